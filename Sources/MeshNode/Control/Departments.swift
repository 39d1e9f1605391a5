import MeshCRDT

/// Department names by node id, as this node knows them (its own, and those its peers gave in
/// their handshakes). Taken on the loop thread and handed to the store's threads.
typealias Departments = [NodeID: String]
