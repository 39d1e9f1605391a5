import MeshCharts
import MeshControl

/// The demo's sample content: improvement ideas of the kind wards and departments really raise,
/// with a problem, a proposed solution, a theme and tags; supports and comments from other
/// departments; and the idea that is then watched travelling.
enum DemoSamples {
    /// Where a sample is written.
    enum Place { case renal, cardiology, emergency }

    struct Idea {
        let place: Place
        let title: String
        let problem: String
        let solution: String
        let theme: String
        let tags: [String]

        /// `idea.submit`'s params.
        var params: API.IdeaSubmit.Params { .init(title: title, problem: problem, solution: solution, theme: theme, tags: tags) }
    }

    struct Support {
        let place: Place
        /// An index into `ideas`.
        let idea: Int
    }

    struct Comment {
        let place: Place
        let idea: Int
        let text: String
    }

    /// The themes the leaders set (code, name): an idea may only be filed under one of these.
    static let themes: [(code: String, name: String)] = [
        ("patient-safety", "Patient safety"), ("patient-flow", "Patient flow"),
        ("infection-prevention", "Infection prevention"), ("medication-safety", "Medication safety"),
    ]

    static let ideas: [Idea] = [
        Idea(
            place: .renal, title: "Bed-exit sensor mats for patients at high risk of falls at night",
            problem: """
                Most of our falls happen between midnight and 6 am, when patients who are confused or tired after \
                dialysis get up to the toilet alone. We had 9 falls last quarter, 2 of them with harm.
                """,
            solution: """
                Use bed-exit sensor mats, linked to the nurse call system, for patients at high risk on the falls \
                assessment, and offer them a toileting round at 2 am.
                """,
            theme: "patient-safety", tags: ["falls", "night-shift", "delirium"]),
        Idea(
            place: .renal, title: "Order discharge medicines the day before discharge",
            problem: """
                Patients who are ready to go home wait 4 hours on average for their take-home medicines, so beds \
                free up late in the afternoon while admissions queue in the Emergency Department.
                """,
            solution: """
                Agree the discharge date on the morning ward round, send the take-home prescription to pharmacy the \
                day before, and track it on the ward's whiteboard.
                """,
            theme: "patient-flow", tags: ["discharge", "pharmacy", "bed-flow"]),
        Idea(
            place: .cardiology, title: "Hand gel at every bed space, not just at the bay door",
            problem: """
                Our monthly audit shows 71% hand hygiene compliance before patient contact. Staff say the dispenser \
                at the bay door is out of reach once they are at the bedside.
                """,
            solution: """
                Fit a gel dispenser at the foot of every bed, check they are full at the daily safety huddle, and \
                audit again after 4 weeks.
                """,
            theme: "infection-prevention", tags: ["hand-hygiene", "audit"]),
        Idea(
            place: .cardiology, title: "Nurse-led discharge for low-risk chest pain",
            problem: """
                Patients with low-risk chest pain and a negative troponin stay overnight only to be seen on the next \
                day's consultant round before they can go home.
                """,
            solution: """
                The consultant writes discharge criteria at admission; nurses discharge the patients who meet them, \
                with a checklist and a number to call.
                """,
            theme: "patient-flow", tags: ["discharge", "chest-pain", "criteria-led"]),
        Idea(
            place: .emergency, title: "Sepsis screening at triage for every adult with NEWS2 of 5 or more",
            problem: """
                Half of our patients with sepsis wait more than 90 minutes for antibiotics: screening often starts \
                only once a doctor has seen them.
                """,
            solution: """
                Triage nurses screen every adult with NEWS2 of 5 or more for sepsis and start the Sepsis Six from a \
                ready-made grab bag, telling the nurse in charge.
                """,
            theme: "patient-safety", tags: ["sepsis", "triage", "news2"]),
        Idea(
            place: .emergency, title: "Falls-risk sticker on the trolleys of patients over 65",
            problem: """
                Older patients waiting on trolleys in the corridor fall when they get up unaided, and nobody walking \
                past can see who is at risk.
                """,
            solution: """
                At triage, put a yellow sticker on the trolley of anyone over 65 who has fallen in the last year, and \
                keep them within sight of the nurses' station.
                """,
            theme: "patient-safety", tags: ["falls", "frailty", "corridor-care"]),
    ]

    static let supports: [Support] = [
        Support(place: .cardiology, idea: 0),
        Support(place: .emergency, idea: 0),
        Support(place: .renal, idea: 4),
        Support(place: .emergency, idea: 3),
    ]

    static let comments: [Comment] = [
        Comment(
            place: .cardiology, idea: 4,
            text: "Could the triage screen cover our chest pain pathway too? Happy to share our NEWS2 escalation card."),
        Comment(
            place: .emergency, idea: 1,
            text: "This would help us a lot: most of our waits for a bed are for beds that are about to be freed."),
    ]

    /// The idea submitted at Renal Ward and watched arriving at the other two.
    /// A test of change on the first idea (Renal Ward's falls): a PDSA cycle and its measure, with
    /// weekly observations: 12 weeks before the change, 10 after it.
    enum Measurement {
        static let idea = 0
        static let plan = "Sensor mats and a 2 am toileting round for every high-risk patient in bay 1, for ten weeks"
        static let prediction = "Night-time falls halve, from about 3 a week to 1 or 2"
        static let done = "Mats in use on 9 of 10 weeks; the 2 am round missed twice when the ward was short-staffed"
        static let studied = "Falls fell from 3 a week to about 1, as predicted; no falls with harm since week 3"
        static let name = "Falls at night"
        static let unit = "falls a week"
        static let target = 1.0
        /// Oldest first, one a week, the last one last week.
        static let weekly: [Double] = [3, 4, 2, 3, 5, 3, 2, 4, 3, 3, 4, 3, 2, 1, 1, 2, 0, 1, 1, 0, 1, 1]
        /// The index of the first week after the change.
        static let changeWeek = 12
    }

    static let travelling = Idea(
        place: .renal, title: "Red tabards for nurses on the medication round",
        problem: """
            The nurse giving the 8 am medicines is interrupted every few minutes by phones, relatives and \
            colleagues. Every interruption raises the risk of a dosing error, and the round takes over 2 hours.
            """,
        solution: """
            The nurse on the round wears a red "do not disturb" tabard, the coordinator takes the ward phone, and a \
            poster explains it to visitors. Count interruptions for two weeks before and after.
            """,
        theme: "medication-safety", tags: ["medication", "interruptions"])

    /// The web pages' sign-in at every department: anyone with the ward passcode (staff), and
    /// one admin with her own password.
    enum Web {
        static let passcode = "demo-ward-passcode"
        static let leader = "jones"
        static let leaderName = "Sister Jones"
        static let leaderPassword = "demo-jones-password"
    }
}
