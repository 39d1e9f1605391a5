import MeshCharts
import ArgumentParser
import MeshModel

// Domain values typed on the command line: an unknown one is a usage error listing the known ones.
extension IdeaStatus: ExpressibleByArgument {}
extension LinkKind: ExpressibleByArgument {}
extension PDSADecision: ExpressibleByArgument {}
extension Direction: ExpressibleByArgument {}
extension MeasureKind: ExpressibleByArgument {}
extension RedactField: ExpressibleByArgument {}
