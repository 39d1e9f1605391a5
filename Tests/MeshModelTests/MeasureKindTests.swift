import MeshCRDT
@testable import MeshModel
import Testing

/// A measure's kind and the values it takes (Protocol/README.md, "Measure kinds"). Issue 11: "A
/// negative value was accepted for a count ('interrupted lunches per week')".
struct MeasureKindTests {
    @Test func eachKindAllowsItsValuesOnly() {
        #expect(MeasureKind.count.allows(0) && MeasureKind.count.allows(12))
        #expect(!MeasureKind.count.allows(-1), "a count is never negative")
        #expect(!MeasureKind.count.allows(2.5), "a count is whole")
        #expect(MeasureKind.proportion.allows(0) && MeasureKind.proportion.allows(37.5) && MeasureKind.proportion.allows(100))
        #expect(!MeasureKind.proportion.allows(-0.1) && !MeasureKind.proportion.allows(100.5), "a percentage is 0 to 100")
        #expect(MeasureKind.time.allows(0) && MeasureKind.time.allows(12.25))
        #expect(!MeasureKind.time.allows(-3), "a duration is never negative")
        #expect(MeasureKind.other.allows(-3.5) && MeasureKind.other.allows(1e9))
        for kind in MeasureKind.allCases {
            #expect(!kind.allows(.nan) && !kind.allows(.infinity), "\(kind) takes finite values only")
        }
    }

    @Test func aRefusalNamesTheMeasureTheKindAndTheAllowedValues() {
        let lunches = MeasureDefinition(name: "Interrupted lunches", unit: "per week", better: .lower, kind: .count)
        do {
            try lunches.check(value: -2)
            Issue.record("-2 is not a count")
        } catch {
            #expect(error.field == "value")
            #expect(error.description == "value: -2 is not allowed for \"Interrupted lunches\", a count measure: it takes whole numbers 0 or more")
        }
        #expect(throws: Never.self) { try lunches.check(value: 3) }
        #expect(throws: ValidationError.self) { try MeasureDefinition(name: "s", unit: "%", better: .higher, kind: .proportion).check(value: 120) }
    }

    @Test func aTargetOutsideTheKindsBoundsIsRefused() throws {
        let body = { (target: Double, kind: MeasureKind) in
            OpBody.measureDefine(idea: OpID(origin: NodeID(bytes: [UInt8](repeating: 1, count: 32))!, seq: 1),
                                 MeasureDefinition(name: "m", unit: "u", better: .lower, target: target, kind: kind))
        }
        #expect(throws: ValidationError.self) { try body(-1, .count).validate() }
        #expect(throws: ValidationError.self) { try body(101, .proportion).validate() }
        #expect(throws: Never.self) { try body(2.5, .count).validate() }  // a target is a mean: need not be whole
        #expect(throws: Never.self) { try body(-40, .other).validate() }
    }

    @Test func aDefinitionWithoutAKindIsOther() {
        #expect(MeasureDefinition(name: "m", unit: "u", better: .lower).kind == .other)
    }
}
