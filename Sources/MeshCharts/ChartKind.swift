/// Which chart of a measure to draw.
package enum ChartKind: Sendable {
    /// The individuals (XmR) chart: a mean and process limits per segment, read by the NHS
    /// "Making Data Count" rules. What `measure chart` draws unless asked otherwise.
    case xmr
    /// The run chart: the values against their median, read by the IHI (or Anhøj) run rules.
    case run
}
