import MeshWeb
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Who calls a control method: the OS user at the other end of the control socket (from
/// SO_PEERCRED), whose admin rights come from the config's admin users and groups; or a person
/// signed in to the web pages, whose rights come only from their role at this department.
struct LocalUser: Equatable, Sendable {
    let uid: uid_t
    /// The login name, or the uid in decimal when the user database has no entry.
    let name: String
    /// Names of the user's groups (primary and supplementary).
    let groups: Set<String>
    /// For a web caller: how they signed in. Nil: the control socket.
    let web: WebCaller.Proof?

    /// A person signed in to the web pages. No uid and no groups: the admin policy, which names
    /// OS users and groups, never applies to them.
    init(web caller: WebCaller) {
        uid = uid_t.max
        name = caller.user
        groups = []
        web = caller.proof
    }

    init(uid: uid_t, gid: gid_t) {
        self.uid = uid
        self.web = nil
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        var name = String(uid)
        var primary = gid
        if getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let pwName = entry.pw_name {
            name = String(cString: pwName)
            primary = entry.pw_gid
        }
        self.name = name
        var groups = Set<String>()
        var ids = [gid_t](repeating: 0, count: 256)
        var count = Int32(ids.count)
        var gids: [gid_t] = [gid, primary]
        if name != String(uid), getgrouplist(name, primary, &ids, &count) >= 0 { gids += ids.prefix(Int(count)) }
        for id in Set(gids) {
            var group = group()
            var found: UnsafeMutablePointer<group>?
            var groupBuffer = [CChar](repeating: 0, count: 16_384)
            if getgrgid_r(id, &group, &groupBuffer, groupBuffer.count, &found) == 0, found != nil, let groupName = group.gr_name {
                groups.insert(String(cString: groupName))
            }
        }
        self.groups = groups
    }
}

/// Who may use admin requests: root, the daemon's own user, and the config's admin users and
/// groups. Replaced on SIGHUP with the trust list.
struct AdminPolicy: Equatable, Sendable {
    var users: Set<String>
    var groups: Set<String>

    func allows(_ user: LocalUser) -> Bool {
        guard user.web == nil else { return false }
        return user.uid == 0 || user.uid == geteuid() || users.contains(user.name) || !groups.isDisjoint(with: user.groups)
    }
}
