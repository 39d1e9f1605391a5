extension Pages {
    static func signIn(token: String, next: String, user: String, error: String?, note: String?) -> HTML {
        layout(nil, title: "Sign in", body: """
            \(notice(note))\(Pages.error(error))
            <form method="post" action="/signin" class="card narrow">
            <input type="hidden" name="csrf" value="\(token)">
            <input type="hidden" name="next" value="\(next)">
            \(field("user", label: "Your user name", value: user, hint: "Your login, such as jsmith.", required: true))
            <p class="field"><label for="secret">Ward passcode or your own password</label>
            <span class="hint" id="secret-hint">Staff on a ward PC use the department's passcode; leaders and admins their own password.</span>
            <input id="secret" name="secret" type="password" autocomplete="current-password" aria-describedby="secret-hint" required></p>
            <p><button type="submit">Sign in</button></p>
            </form>
            """)
    }
}
