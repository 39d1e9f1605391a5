import Foundation
import MeshClient
import MeshControl
import Testing

/// The fixtures are daemon replies as the daemon wrote them before the results were declared in
/// MeshControl: read as MeshControl's types and written again with `ControlCoding`, each must come
/// back unchanged, key for key and value for value (the daemon writes these same types).
struct ResultRoundTripTests {
    static func roundTrip<T: Codable>(_ type: T.Type, _ json: String, _ name: String) throws {
        let original = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? NSDictionary
        let decoded = try ControlResult.decode(T.self, from: original as? [String: Any] ?? [:], method: name)
        let encoded = try ControlCoding.encoder().encode(decoded)
        let again = try JSONSerialization.jsonObject(with: encoded) as? NSDictionary
        #expect(original != nil && original == again, "\(name): \(String(decoding: encoded, as: UTF8.self))")
    }

    @Test func staffResultsComeBackUnchanged() throws {
        try Self.roundTrip(IdeaList.self, Fixtures.list, "list")
        try Self.roundTrip(IdeaDetail.self, Fixtures.show, "show")
        try Self.roundTrip(IdeaDetail.self, Fixtures.showAnonymous, "showAnonymous")
        try Self.roundTrip(SearchResults.self, Fixtures.search, "search")
        try Self.roundTrip(DigestReport.self, Fixtures.digest, "digest")
        try Self.roundTrip(ThemeList.self, Fixtures.themes, "themes")
    }

    @Test func improvementResultsComeBackUnchanged() throws {
        try Self.roundTrip(MeasureSummary.self, Fixtures.measure, "measure")
        try Self.roundTrip(MeasureList.self, Fixtures.measures, "measures")
        try Self.roundTrip(SpreadReport.self, Fixtures.spread, "spread")
        for (name, json) in [("xmr", ChartFixtures.xmr), ("runAnhoej", ChartFixtures.runAnhoej), ("onePoint", ChartFixtures.onePoint),
                             ("noPoints", ChartFixtures.noPoints), ("allEqual", ChartFixtures.allEqual)] {
            try Self.roundTrip(MeasureChart.self, json, name)
        }
        try Self.roundTrip(MeasureComparison.self, ChartFixtures.comparison, "comparison")
    }

    @Test func adminResultsComeBackUnchanged() throws {
        try Self.roundTrip(AdminStatus.self, Fixtures.adminStatus, "adminStatus")
        try Self.roundTrip(PeersReport.self, Fixtures.peers, "peers")
        try Self.roundTrip(ReplicationReport.self, Fixtures.replication, "replication")
        try Self.roundTrip(WhereReport.self, Fixtures.whereIs, "whereIs")
        try Self.roundTrip(ConflictsReport.self, Fixtures.conflicts, "conflicts")
        try Self.roundTrip(ForksReport.self, Fixtures.forks, "forks")
        try Self.roundTrip(TrustList.self, Fixtures.trust, "trust")
        try Self.roundTrip(VerifyResult.self, Fixtures.verifyEqual, "verifyEqual")
        try Self.roundTrip(VerifyResult.self, Fixtures.verifyDifferent, "verifyDifferent")
        try Self.roundTrip(StateDigest.self, Fixtures.stateDigest, "stateDigest")
    }
}
