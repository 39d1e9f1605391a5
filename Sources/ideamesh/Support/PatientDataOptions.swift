import MeshCharts
import ArgumentParser

/// `--not-patient-data`, for every command that stores text people type (CONTROL.md §5.8).
struct PatientDataOptions: ParsableArguments {
    @Flag(
        name: .customLong("not-patient-data"),
        help: """
            Store the text even though it looks like patient details (an NHS number, a date of birth, \
            "Mrs Smith"): you have checked that it is not. Without it ideamesh asks on a terminal, \
            and refuses otherwise.
            """)
    var notPatientData = false
}
