/// The control socket's methods (Protocol/CONTROL.md), one type each: `API.IdeaSubmit` is
/// `idea.submit`. `all` lists every method the daemon serves through this module; a test
/// checks it against CONTROL.md.
public enum API {
    public static var all: [any ControlMethod.Type] {
        [
            API.Ping.self,
            API.IdeaSubmit.self,
            API.IdeaSupport.self,
            API.IdeaUnsupport.self,
            API.IdeaComment.self,
            API.IdeaSetStatus.self,
            API.IdeaEdit.self,
            API.CommentEdit.self,
            API.CommentRetract.self,
            API.IdeaLink.self,
            API.IdeaAdopt.self,
            API.ThemeDefine.self,
            API.ThemeArchive.self,
            API.PDSAStart.self,
            API.PDSADo.self,
            API.PDSAStudy.self,
            API.PDSAAct.self,
            API.MeasureDefine.self,
            API.MeasureRecord.self,
            API.MeasureRetract.self,
            API.IdeaShow.self,
            API.IdeaList.self,
            API.IdeaSearch.self,
            API.ThemesList.self,
            API.Digest.self,
            API.Export.self,
            API.Import.self,
            API.MeasureList.self,
            API.MeasureChart.self,
            API.MeasureCompare.self,
            API.IdeaSpread.self,
        ]
    }
}
