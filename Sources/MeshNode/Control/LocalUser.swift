#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The OS user at the other end of the control socket (from SO_PEERCRED): staff identity is the
/// OS user, and admin rights come from the config's admin users and groups.
struct LocalUser: Equatable, Sendable {
    let uid: uid_t
    /// The login name, or the uid in decimal when the user database has no entry.
    let name: String
    /// Names of the user's groups (primary and supplementary).
    let groups: Set<String>

    init(uid: uid_t, gid: gid_t) {
        self.uid = uid
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
        user.uid == 0 || user.uid == geteuid() || users.contains(user.name) || !groups.isDisjoint(with: user.groups)
    }
}
