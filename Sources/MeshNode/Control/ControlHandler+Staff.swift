import MeshCRDT
import MeshModel
import MeshStore

/// Staff methods beyond the core ones in ControlHandler.swift (CONTROL.md §5).
extension ControlHandler {
    func dispatchStaff(_ request: ControlRequest, user: LocalUser, _ reply: @escaping Reply) throws(ControlError) {
        switch request.method {
        default:
            throw Self.unknownMethod(request)
        }
    }
}
