import MeshCRDT
import MeshModel
import MeshStore

/// Admin methods beyond `admin.status`, `admin.peers` and `admin.digest` (CONTROL.md §6). The
/// caller is already known to be an admin here.
extension ControlHandler {
    func dispatchAdmin(_ request: ControlRequest, user: LocalUser, _ reply: @escaping Reply) throws(ControlError) {
        switch request.method {
        default:
            throw Self.unknownMethod(request)
        }
    }
}
