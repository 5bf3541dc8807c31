"""What erasing a person does to each kind of row that names them (privacy.actions.person_erase).

The account stays, anonymised, so that the group's record stays whole: the meetings they came
to still count them, the issues others brought still show who read them (as "Erased person"),
the coaching hours a coach gave still add up. What they wrote and every contact detail goes.

tests/privacy/test_erasure.py fails until every model with a link to a user is named here:
a new app that stores something about a person says what erasure does to it.
"""

ERASED_NAME = "Erased person"

ERASURE: dict[str, str] = {
    "accounts.User": "name and email replaced, password and log-in removed, calendar link changed",
    "accounts.Invitation": "deleted",
    "networks.NetworkRole": "erasure is refused while the person holds one (remove it first)",
    "networks.ReplyReminder": "kept: a record that a chair reminded the group",
    "groups.Membership": "ended (left) in every group of the network; proposals deleted",
    "groups.MembershipEvent": "kept, naming the anonymised account: the group's history",
    "meetings.Participation": "the reasons given for apologies are erased; replies and "
    "attendance stay, so the meetings' figures do not change",
    "meetings.ReminderSent": "kept: a record that a reminder went out",
    "meetings.ReplyLink": "deleted (one-click reply secrets)",
    "issues.Issue": "every issue they brought is erased with its notes, support and commitment",
    "issues.Backing": "deleted",
    "issues.Note": "kept: the scribe's notes are the group's record of others' issues",
    "issues.Commitment": "erased with their issues",
    "issues.MonthlyUpdate": "deleted (their check-ins)",
    "issues.IssueView": "kept, naming the anonymised account: the group's access log",
    "issues.RoomState": "kept: the live room's state",
    "speakers.Speaker": "erasure is refused while the person is in the speaker bureau",
    "speakers.Booking": "kept: who booked a speaker is the group's record",
    "speakers.FeedbackGiven": "kept: a keyed hash that names nobody",
    "speakers.FeedbackResponse": "a named one loses its words and its author (the scores stay in "
    "the talk's figures); an anonymous one is linked to nobody",
    "speakers.Resource": "kept: a talk's slides belong to the talk",
    "guests.GuestRequest": "their name, contact details, organisation and reasons erased",
    "guests.ConflictFinding": "kept: an admin's decision",
    "guests.OrganisationToAvoid": "deleted",
    "coaching.CoachProfile": "erasure is refused while the person coaches",
    "coaching.Engagement": "kept with its sessions, so a coach's hours add up",
    "coaching.Session": "kept; the agenda they wrote is erased",
    "coaching.SessionNote": "every note on their sessions is deleted",
    "coaching.Goal": "their goals' titles are erased",
    "coaching.GoalUpdate": "deleted",
    "coaching.SessionReminder": "kept: a record that a reminder went out",
    "fees.Sponsor": "removed from the sponsor's contacts",
    "fees.Bursary": "the reasons they gave and their income are erased; the amount stays",
    "fees.Invoice": "kept: invoices are addressed to organisations and kept for the law",
    "fees.Payment": "kept: the network's accounts",
    "networking.Profile": "deleted, with its photo",
    "networking.Introduction": "deleted",
    "networking.Opportunity": "deleted (their posts on the board), with the replies to them",
    "networking.OpportunityReply": "deleted (their replies to others' posts)",
    "networking.Suggestion": "deleted (conversations suggested with them at meetings)",
    "formation.Run": "kept: who started a formation run is the network's record",
    "formation.CompetitorDecision": "kept: an admin's decision",
    "privacy.Consent": "kept, naming the anonymised account: the record of what was agreed",
    "impact.BusinessCase": "deleted (their own board paper)",
    "impact.Invitation": "kept: that a survey was sent (the response rate's denominator)",
    "impact.Response": "what they wrote (text answers) erased and no longer to be quoted; "
    "their scores stay with the anonymised account, so the network's figures do not change",
    "audit.AuditEntry": "kept, naming the anonymised account: the network's audit log",
    "api.AccessToken": "deleted (personal access tokens for the API: they stop at once)",
    "webhooks.Endpoint": "kept, naming the anonymised account as who set it up (the network's)",
}
