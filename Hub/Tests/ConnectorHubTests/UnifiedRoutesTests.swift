import ConnectorHub
import ConnectorRuntime
import Foundation
import HTTPTypes
import Testing

/// A provider of the paging emulation (Tests/Servers/providerpages.py, catalogpages.py) linked
/// through the Hub: `/k/<key>` stands for the provider's hosts.
struct PagedProvider: Sendable {
    let server: TestServer
    let connector: String
    let key: String

    /// `scenario`: a word the emulation reads in the key (`edge`: humaans_edges in catalogpages.py).
    init(_ provider: String, connector: String? = nil, scenario: String? = nil) throws {
        server = try TestServer.current(.paging)
        self.connector = connector ?? provider
        key = provider + "." + (scenario.map { $0 + "-" } ?? "") + UUID().uuidString.lowercased()
    }

    func overrides(_ hosts: [String]) -> [String: [String: URL]] {
        [connector: Dictionary(uniqueKeysWithValues: hosts.map { ($0, server.url("/k/\(key)")) })]
    }

    /// `METHOD path` of the API requests the emulation received, `/k/<key>` left out.
    func requests() async throws -> [String] {
        let list = try await server.control("GET", "/_control/requests/\(key)") as? [[String: String]] ?? []
        return list.map { ($0["method"] ?? "") + " " + ($0["path"] ?? "").replacingOccurrences(of: "/k/\(key)", with: "") }
    }
}

/// A Hub with one linked account of `provider` (through ``ConnectorHubService/importAccount``:
/// the same field checks and verification request as the Link Account form).
func unifiedHub(
    _ provider: PagedProvider, variant: String, values: [String: String], hosts: [String], endUser: String = "user-1"
) async throws -> (HubHarness, String) {
    let harness = try await HubHarness(overrides: provider.overrides(hosts))
    let account = try await harness.hub.importAccount(
        endUserID: endUser, endUserName: "Ada", connectorID: provider.connector, variantID: variant, values: values)
    return (harness, account.id)
}

extension HubClient {
    /// Every page of a unified list, following nextCursor.
    func unifiedPages(_ account: String, _ model: String, limit: Int? = nil) async throws -> [[String: Any]] {
        var pages: [[String: Any]] = []
        var cursor: String?
        repeat {
            var uri = "/v1/accounts/\(account)/unified/\(model)"
            var query: [String] = []
            if let limit { query.append("limit=\(limit)") }
            if let cursor { query.append("cursor=\(cursor)") }
            if !query.isEmpty { uri += "?" + query.joined(separator: "&") }
            let reply = try await api(.get, uri)
            try #require(reply.status == 200, "\(uri): \(reply.text)")
            pages.append(reply.json)
            cursor = reply.json["nextCursor"] as? String
            try #require(pages.count < 50, "the cursor moves forward")
        } while cursor != nil
        return pages
    }

    func unifiedRecords(_ account: String, _ model: String, limit: Int? = nil) async throws -> [[String: Any]] {
        try await unifiedPages(account, model, limit: limit).flatMap { $0["records"] as? [[String: Any]] ?? [] }
    }
}

func enumValue(_ record: [String: Any], _ field: String) -> String? { (record[field] as? [String: Any])?["value"] as? String }
func sourceValue(_ record: [String: Any], _ field: String) -> String? { (record[field] as? [String: Any])?["sourceValue"] as? String }

func ids(_ records: [[String: Any]]) -> [String] { records.map { $0["id"] as? String ?? "-" } }

/// `GET /v1/accounts/{id}/unified/{model}` and `.../{remoteId}` end to end: accounts linked
/// through the Hub (the spec's verification request included), the provider emulations of
/// Tests/Servers/providerpages.py and catalogpages.py over real HTTP (2 records a page), every
/// record converted by the runtime's mapping program built from Connectors/*.json.
@Suite(.pagingServer) struct UnifiedRoutesTests {
    static let smartsheet = (variant: "access_token", values: ["accessToken": "smartsheet-pat"], hosts: ["api.smartsheet.com"])

    // MARK: The seed providers

    /// Smartsheet users as iam.user: the status enum with a value the mapping does not list
    /// (DEACTIVATED: unknown, its source value kept), `remote` as received, `get` by id.
    @Test func smartsheetUsersWithAnUnmappedStatus() async throws {
        let provider = try PagedProvider("smartsheet", connector: "smartsheet_iam")
        let (harness, account) = try await unifiedHub(provider, variant: Self.smartsheet.variant, values: Self.smartsheet.values, hosts: Self.smartsheet.hosts)
        try await harness.run { client in
            let users = try await client.unifiedRecords(account, "iam.user")
            checkEqual(ids(users), ["1000", "1001", "1002", "1003", "1004"])
            checkEqual(users.map { enumValue($0, "status") ?? "-" }, ["active", "pending", "deactivated", "unknown", "active"])
            checkEqual(sourceValue(users[3], "status"), "DEACTIVATED")
            checkEqual(users[0]["lastLoginAt"] as? String, "2025-03-01T08:15:00Z")
            check(users[2]["lastLoginAt"] == nil, "no value: the field is left out")
            checkEqual((users[0]["remote"] as? [String: Any])?["id"] as? Int, 1000, "remote: the provider's record, its integer id")
            checkEqual(users[0]["userName"] as? String, "user0@acme.example")
            let one = try await client.api(.get, "/v1/accounts/\(account)/unified/iam.user/1003")
            checkEqual(one.status, 200)
            checkEqual(one.json["email"] as? String, "user3@acme.example")
            checkEqual(one.json["status"] as? [String: String], ["value": "unknown", "sourceValue": "DEACTIVATED"])
            let missing = try await client.api(.get, "/v1/accounts/\(account)/unified/iam.user/999")
            checkEqual(missing.status, 404)
            checkEqual(missing.json["error"] as? String, "not_found")
        }
    }

    /// HiBob employees as hris.employee: fields inside `work`, a leap-day start date, the manager
    /// as the other record's id.
    @Test func hibobEmployeesWithALeapDay() async throws {
        let provider = try PagedProvider("hibob")
        let (harness, account) = try await unifiedHub(
            provider, variant: "service_user", values: ["serviceUserId": "SERVICE-42", "serviceUserToken": "bob-token"], hosts: ["api.hibob.com"])
        try await harness.run { client in
            let employees = try await client.unifiedRecords(account, "hris.employee")
            let ada = try #require(employees.first)
            checkEqual(ada["id"] as? String, "3332883884017713238")
            checkEqual(ada["jobTitle"] as? String, "Engineer")
            checkEqual(ada["department"] as? String, "R&D")
            checkEqual(ada["workLocation"] as? String, "London")
            checkEqual(ada["startDate"] as? String, "2020-02-29")
            checkEqual(ada["manager"] as? String, "3332883884017713200")
            // No `get` in HiBob's spec: the record is found in the list.
            let one = try await client.api(.get, "/v1/accounts/\(account)/unified/hris.employee/3332883884017713238")
            checkEqual(one.status, 200)
            checkEqual(one.json["lastName"] as? String, "Lovelace")
            checkEqual(try await client.api(.get, "/v1/accounts/\(account)/unified/hris.employee/1").status, 404)
        }
    }

    /// Workday workers (ISU, Basic) as hris.employee: offset pages of 2 behind one API list.
    @Test func workdayWorkersAcrossProviderPages() async throws {
        let provider = try PagedProvider("workday")
        let (harness, account) = try await unifiedHub(
            provider, variant: "isu",
            values: ["host": "wd2-impl-services1.workday.com", "tenant": "acme_tenant", "isuUsername": "isu_reader", "isuPassword": "wd-password"],
            hosts: ["wd2-impl-services1.workday.com"])
        try await harness.run { client in
            let employees = try await client.unifiedRecords(account, "hris.employee")
            checkEqual(employees.count, 5)
            checkEqual(employees[0]["displayName"] as? String, "Worker 0 (acme_tenant)")
            checkEqual(employees[4]["department"] as? String, "Finance")
            checkEqual(employees[1]["workEmail"] as? String, "w1@acme.example")
        }
    }

    /// SpotDraft users as iam.user and roles as iam.role (a role without a name falls back to its id).
    @Test func spotdraftUsersAndRoles() async throws {
        let provider = try PagedProvider("spotdraft")
        let (harness, account) = try await unifiedHub(
            provider, variant: "client_credentials", values: ["clientId": "sd-client", "clientSecret": "sd-secret"], hosts: ["api.us.spotdraft.com"])
        try await harness.run { client in
            let users = try await client.unifiedRecords(account, "iam.user")
            checkEqual(ids(users), ["10", "11", "12", "13", "14"])
            checkEqual(users.map { $0["active"] as? Bool ?? false }, [true, true, true, true, true])
            let roles = try await client.unifiedRecords(account, "iam.role")
            checkEqual(ids(roles), ["1", "2", "3"])
            checkEqual(roles.map { $0["name"] as? String ?? "-" }, ["Admin", "Legal reviewer", "3"])
            let unmapped = try await client.api(.get, "/v1/accounts/\(account)/unified/hris.employee")
            checkEqual(unmapped.status, 400, "SpotDraft maps no employees")
            checkEqual(unmapped.json["error"] as? String, "bad_request")
            checkEqual(unmapped.json["message"] as? String, "spotdraft (client_credentials) does not map hris.employee. It maps: iam.role, iam.user.")
        }
    }

    // MARK: HRIS

    /// Humaans people: calendar dates (a leap day), an impossible day reported where the runtime
    /// locates it (page 2, record 1, `/employmentStartDate` → `hireDate`) without the value,
    /// a status the mapping does not list, `get` by id and its conversion failure (422).
    @Test func humaansDateAndEnumEdges() async throws {
        let provider = try PagedProvider("humaans", scenario: "edge")
        let (harness, account) = try await unifiedHub(provider, variant: "api_token", values: ["accessToken": "humaans-token"], hosts: ["app.humaans.io"])
        try await harness.run { client in
            let pages = try await client.unifiedPages(account, "hris.employee")
            let employees = pages.flatMap { $0["records"] as? [[String: Any]] ?? [] }
            checkEqual(ids(employees), ["hm0", "hm1", "hm2", "hm4"], "hm3 cannot be converted")
            checkEqual(employees[0]["hireDate"] as? String, "2024-02-29")
            checkEqual(employees.map { enumValue($0, "employmentStatus") ?? "-" }, ["active", "active", "pending", "unknown"])
            checkEqual(sourceValue(employees[3], "employmentStatus"), "sabbatical")
            checkEqual(employees[0]["updatedAt"] as? String, "2025-02-01T08:00:00Z")
            let unconverted = pages.flatMap { $0["unconverted"] as? [[String: Any]] ?? [] }
            checkEqual(unconverted.count, 1)
            let failure = try #require(unconverted.first)
            checkEqual(failure["page"] as? Int, 2)
            checkEqual(failure["index"] as? Int, 1)
            checkEqual(failure["sourceField"] as? String, "/employmentStartDate")
            checkEqual(failure["targetField"] as? String, "hireDate")
            checkEqual(
                failure["message"] as? String,
                "humaans people: record 1 of page 2 cannot be converted: '/employmentStartDate' → 'hireDate' is not a YYYY-MM-DD date")
            for page in pages {
                for item in page["unconverted"] as? [[String: Any]] ?? [] {
                    check(!"\(item)".contains("2023-02-30"), "the failure never carries the value")
                }
            }

            let one = try await client.api(.get, "/v1/accounts/\(account)/unified/hris.employee/hm1")
            checkEqual(one.status, 200)
            checkEqual(one.json["hireDate"] as? String, "2023-02-01")
            let broken = try await client.api(.get, "/v1/accounts/\(account)/unified/hris.employee/hm3")
            checkEqual(broken.status, 422)
            checkEqual(broken.json["error"] as? String, "unconvertible_record")
            checkEqual(broken.json["targetField"] as? String, "hireDate")
            check(!broken.text.contains("2023-02-30"), "the value is not in the error: \(broken.text)")
            let missing = try await client.api(.get, "/v1/accounts/\(account)/unified/hris.employee/hm9")
            checkEqual(missing.status, 404)
        }
    }

    /// Namely profiles: Unix-seconds date-times as ISO 8601, the status enum.
    @Test func namelyUnixSecondsAndStatus() async throws {
        let provider = try PagedProvider("namely")
        let (harness, account) = try await unifiedHub(
            provider, variant: "personal_access_token", values: ["company": "acme", "accessToken": "namely-pat"], hosts: ["acme.namely.com"])
        try await harness.run { client in
            let employees = try await client.unifiedRecords(account, "hris.employee")
            checkEqual(ids(employees), ["nm-0", "nm-1", "nm-2", "nm-3", "nm-4"])
            checkEqual(employees[0]["createdAt"] as? String, "2020-09-13T12:26:40Z")
            checkEqual(employees[0]["updatedAt"] as? String, "2023-11-14T22:13:20Z")
            checkEqual(employees.map { enumValue($0, "employmentStatus") ?? "-" }, ["active", "active", "pending", "inactive", "active"])
        }
    }

    /// Breathe HR employees: integer ids as text, a name joined from two fields.
    @Test func breathehrEmployees() async throws {
        let provider = try PagedProvider("breathehr")
        let (harness, account) = try await unifiedHub(provider, variant: "api_key", values: ["apiKey": "prod-breathe"], hosts: ["api.breathehr.com"])
        try await harness.run { client in
            let employees = try await client.unifiedRecords(account, "hris.employee")
            checkEqual(ids(employees), ["700", "701", "702", "703", "704"])
            checkEqual(employees[1]["displayName"] as? String, "F1 L1")
            checkEqual(employees[1]["jobTitle"] as? String, "Consultant")
        }
    }

    // MARK: IAM

    /// SCIM 2.0 users (startIndex from 1) and groups: the EnterpriseUser extension, a leap-day
    /// creation date, fractional seconds.
    @Test func scimUsersAndGroups() async throws {
        let provider = try PagedProvider("scim")
        let (harness, account) = try await unifiedHub(
            provider, variant: "bearer_token", values: ["scimBaseURL": "https://scim.acme.example/scim/v2", "token": "scim-token"],
            hosts: ["scim.acme.example"])
        try await harness.run { client in
            let users = try await client.unifiedRecords(account, "iam.user")
            checkEqual(ids(users), ["u-0", "u-1", "u-2", "u-3", "u-4"])
            checkEqual(users[0]["employeeNumber"] as? String, "701984")
            checkEqual(users[0]["manager"] as? String, "u-4")
            checkEqual(users[0]["createdAt"] as? String, "2024-02-29T12:00:00Z")
            checkEqual(users.map { $0["active"] as? Bool ?? true }, [true, true, true, false, true])
            let groups = try await client.unifiedRecords(account, "iam.group")
            checkEqual(groups.map { $0["displayName"] as? String ?? "-" }, ["Group 0", "Group 1", "Group 2", "Group 3", "Group 4"])
            // `pluck`: the `value` of each element of an array of objects.
            checkEqual(groups[0]["members"] as? [String], ["u-0"])
            checkEqual(users[0]["emails"] as? [String], ["user0@acme.example"])
        }
    }

    /// JumpCloud system users: offset pages, the state enum.
    @Test func jumpcloudUsers() async throws {
        let provider = try PagedProvider("jumpcloud")
        let (harness, account) = try await unifiedHub(provider, variant: "api_key", values: ["apiKey": "jc-key"], hosts: ["console.jumpcloud.com"])
        try await harness.run { client in
            let users = try await client.unifiedRecords(account, "iam.user")
            checkEqual(users.count, 5)
            checkEqual(users[0]["userName"] as? String, "user0")
            checkEqual(enumValue(users[0], "status"), "active")
            checkEqual(sourceValue(users[0], "status"), "ACTIVATED")
            checkEqual(users[1]["manager"] as? String, "5f0000000000000000000000")
        }
    }

    // MARK: ATS

    /// Manatal candidates: the next URL, integer ids as text, a missing phone number.
    @Test func manatalCandidates() async throws {
        let provider = try PagedProvider("manatal")
        let (harness, account) = try await unifiedHub(provider, variant: "api_token", values: ["apiToken": "manatal-token"], hosts: ["api.manatal.com"])
        try await harness.run { client in
            let candidates = try await client.unifiedRecords(account, "ats.candidate", limit: 3)
            checkEqual(ids(candidates), ["9000", "9001", "9002", "9003", "9004"])
            checkEqual(candidates[0]["name"] as? String, "Candidate 0")
            checkEqual(candidates[0]["phoneNumbers"] as? [String], ["+15550000"])
            check(candidates[2]["phoneNumbers"] == nil, "no phone number")
        }
    }

    /// Manatal jobs (a job without a position name falls back to its id) and matches as
    /// applications (a boolean through text into the status enum, references to the candidate and job).
    @Test func manatalJobsAndApplications() async throws {
        let provider = try PagedProvider("manatal")
        let (harness, account) = try await unifiedHub(provider, variant: "api_token", values: ["apiToken": "manatal-token"], hosts: ["api.manatal.com"])
        try await harness.run { client in
            let jobs = try await client.unifiedRecords(account, "ats.job")
            checkEqual(jobs.map { $0["title"] as? String ?? "-" }, ["Position 0", "Position 1", "Position 2", "303", "Position 4"])
            checkEqual(jobs[0]["location"] as? String, "Berlin")
            let applications = try await client.unifiedRecords(account, "ats.application", limit: 4)
            checkEqual(ids(applications), ["500", "501", "502", "503", "504"])
            checkEqual(applications[0]["candidate"] as? String, "9000")
            checkEqual(applications[0]["job"] as? String, "300")
            checkEqual(applications.map { enumValue($0, "status") ?? "-" }, ["active", "active", "active", "active", "archived"])
            checkEqual(sourceValue(applications[4], "status"), "false")
        }
    }

    /// Ashby (API key as the Basic username, POST lists with the cursor in the body): candidates
    /// without a primary email, jobs with every status and a missing title, applications whose
    /// `Lead` maps to `active` beside its source value; date-times keep their milliseconds and
    /// microseconds, and a whole second has no fraction.
    @Test func ashbyCandidatesJobsAndApplications() async throws {
        let provider = try PagedProvider("ashby")
        let (harness, account) = try await unifiedHub(provider, variant: "api_key", values: ["apiKey": "ashby-key"], hosts: ["api.ashbyhq.com"])
        try await harness.run { client in
            let candidates = try await client.unifiedRecords(account, "ats.candidate", limit: 3)
            checkEqual(ids(candidates), ["cand-0", "cand-1", "cand-2", "cand-3", "cand-4"])
            checkEqual(candidates[0]["emails"] as? [String], ["c0@acme.example", "c0@work.example"])
            check(candidates[3]["email"] == nil, "no primary email")
            checkEqual(candidates[0]["applications"] as? [String], ["app-0"])
            checkEqual(candidates.map { $0["createdAt"] as? String ?? "-" }.prefix(3), ["2024-02-29T10:00:00.100Z", "2024-02-29T10:00:00Z", "2024-02-29T10:00:00.102Z"])
            let jobs = try await client.unifiedRecords(account, "ats.job")
            checkEqual(jobs.map { $0["title"] as? String ?? "-" }, ["Job 0", "Job 1", "job-2", "Job 3", "Job 4"])
            checkEqual(jobs.map { enumValue($0, "status") ?? "-" }, ["open", "closed", "draft", "archived", "open"])
            checkEqual(jobs[0]["createdAt"] as? String, "2024-01-01T08:30:00.250Z")
            let applications = try await client.unifiedRecords(account, "ats.application", limit: 2)
            checkEqual(ids(applications), ["app-0", "app-1", "app-2", "app-3", "app-4"])
            checkEqual(applications.map { enumValue($0, "status") ?? "-" }, ["active", "active", "hired", "archived", "active"])
            checkEqual(sourceValue(applications[1], "status"), "Lead")
            checkEqual(applications[0]["candidate"] as? String, "cand-0")
            checkEqual(applications[0]["job"] as? String, "job-0")
            checkEqual(applications[0]["stage"] as? String, "Application Review")
            check(applications[4]["stage"] == nil, "no current stage")
            checkEqual(applications[0]["createdAt"] as? String, "2024-03-01T09:00:00.123456Z")
            let lists = try await provider.requests().filter { $0.hasPrefix("POST /application.list") }
            checkEqual(lists.count, 3, "one request per provider page")
        }
    }

    /// Workable (bearer token, a subdomain host, `paging.next` URLs with since_id): candidates as
    /// candidates and as applications (disqualified into `rejected` with its reason, the job's
    /// shortcode as the job reference), jobs whose `closed` state maps to `open`; a leap-day
    /// date-time at `.000Z` has no fraction, `.500Z` keeps it.
    @Test func workableCandidatesJobsAndApplications() async throws {
        let provider = try PagedProvider("workable")
        let (harness, account) = try await unifiedHub(
            provider, variant: "api_token", values: ["subdomain": "acme", "apiToken": "workable-token"], hosts: ["acme.workable.com"])
        try await harness.run { client in
            let candidates = try await client.unifiedRecords(account, "ats.candidate", limit: 4)
            checkEqual(ids(candidates), ["ce00000", "ce00001", "ce00002", "ce00003", "ce00004"])
            checkEqual(candidates[1]["firstName"] as? String, "First1")
            check(candidates[4]["email"] == nil, "no email")
            checkEqual(candidates[0]["createdAt"] as? String, "2024-02-29T23:59:59Z")
            checkEqual(candidates[1]["createdAt"] as? String, "2024-03-01T12:00:00.500Z")
            let applications = try await client.unifiedRecords(account, "ats.application")
            checkEqual(applications.map { enumValue($0, "status") ?? "-" }, ["active", "active", "rejected", "active", "active"])
            checkEqual(sourceValue(applications[2], "status"), "true")
            checkEqual(applications[2]["rejectionReason"] as? String, "Not a fit")
            checkEqual(applications.map { $0["job"] as? String ?? "-" }, ["GROOV000", "GROOV001", "GROOV000", "GROOV001", "GROOV000"])
            checkEqual(applications[3]["stage"] as? String, "Offer")
            check(applications[0]["source"] == nil, "no domain")
            checkEqual(applications[1]["source"] as? String, "linkedin.com")
            let jobs = try await client.unifiedRecords(account, "ats.job", limit: 5)
            checkEqual(ids(jobs), ["GROOV000", "GROOV001", "GROOV002", "GROOV003", "GROOV004"])
            checkEqual(jobs.map { enumValue($0, "status") ?? "-" }, ["open", "draft", "open", "archived", "open"])
            checkEqual(sourceValue(jobs[2], "status"), "closed")
            check(jobs[1]["code"] == nil, "no code")
            checkEqual(jobs[4]["isRemote"] as? Bool, true)
            checkEqual(jobs[0]["location"] as? String, "Berlin, Germany")
            checkEqual(try await provider.requests().filter { $0.hasPrefix("GET /spi/v3/jobs?") }.count, 3 + 1, "three pages and the linking's check")
        }
    }

    /// Clerk users and roles: Unix milliseconds, a missing username falls back to the id, `get`.
    @Test func clerkUsersAndRoles() async throws {
        let provider = try PagedProvider("clerk")
        let (harness, account) = try await unifiedHub(provider, variant: "secret_key", values: ["secretKey": "sk_test_clerk"], hosts: ["api.clerk.com"])
        try await harness.run { client in
            let users = try await client.unifiedRecords(account, "iam.user")
            checkEqual(ids(users), ["user_0", "user_1", "user_2", "user_3", "user_4"])
            checkEqual(users.map { $0["userName"] as? String ?? "-" }, ["user0", "user1", "user_2", "user3", "user4"])
            checkEqual(users[0]["lastLoginAt"] as? String, "2024-02-29T00:00:00Z")
            check(users[1]["lastLoginAt"] == nil, "never signed in")
            checkEqual(users[0]["displayName"] as? String, "F0 L0")
            let one = try await client.api(.get, "/v1/accounts/\(account)/unified/iam.user/user_3")
            checkEqual(one.json["givenName"] as? String, "F3")
            let roles = try await client.unifiedRecords(account, "iam.role")
            checkEqual(roles.map { $0["type"] as? String ?? "-" }, ["org:role0", "org:role1", "org:role2", "org:role3", "org:role4"])
        }
    }

    // MARK: Paging, cursors, errors

    /// `limit` cuts inside and across provider pages; the cursor resumes exactly there and is
    /// refused on another account (even of the same connector), when altered, or for another model.
    @Test func cursorPagesAndIsBoundToItsAccount() async throws {
        let provider = try PagedProvider("smartsheet", connector: "smartsheet_iam")
        let (harness, account) = try await unifiedHub(provider, variant: Self.smartsheet.variant, values: Self.smartsheet.values, hosts: Self.smartsheet.hosts)
        let other = try await harness.hub.importAccount(
            endUserID: "user-2", endUserName: "Grace", connectorID: "smartsheet_iam", variantID: Self.smartsheet.variant, values: Self.smartsheet.values)
        try await harness.run { client in
            for limit in [1, 2, 3, 5] {
                let pages = try await client.unifiedPages(account, "iam.user", limit: limit)
                checkEqual(pages.flatMap { ids($0["records"] as? [[String: Any]] ?? []) }, ["1000", "1001", "1002", "1003", "1004"], "limit \(limit)")
                checkEqual(pages.count, (5 + limit - 1) / limit, "pages of limit \(limit)")
            }
            let first = try await client.api(.get, "/v1/accounts/\(account)/unified/iam.user?limit=3")
            let cursor = try #require(first.json["nextCursor"] as? String)
            let next = try await client.api(.get, "/v1/accounts/\(account)/unified/iam.user?limit=3&cursor=\(cursor)")
            checkEqual(ids(next.json["records"] as? [[String: Any]] ?? []), ["1003", "1004"])
            check(next.json["nextCursor"] == nil, "the last page has no cursor")

            let elsewhere = try await client.api(.get, "/v1/accounts/\(other.id)/unified/iam.user?cursor=\(cursor)")
            checkEqual(elsewhere.status, 400, "a cursor of another account")
            checkEqual(elsewhere.json["error"] as? String, "bad_request")
            let forged = UnifiedCursorForgery.altered(cursor)
            checkEqual(try await client.api(.get, "/v1/accounts/\(account)/unified/iam.user?cursor=\(forged)").status, 400, "an altered cursor")
            checkEqual(try await client.api(.get, "/v1/accounts/\(account)/unified/iam.group?cursor=\(cursor)").status, 400, "another model")
            checkEqual(try await client.api(.get, "/v1/accounts/\(account)/unified/iam.user?cursor=garbage").status, 400)
            for limit in ["0", "201", "x"] {
                checkEqual(try await client.api(.get, "/v1/accounts/\(account)/unified/iam.user?limit=\(limit)").status, 400, "limit \(limit)")
            }
        }
    }

    /// The cursor carries the provider's page position (`ListOptions.start`): a list read to its
    /// end costs one provider request per page it stops in, not a re-read of the pages before the
    /// cursor (page numbers: Smartsheet; next URLs: Manatal). Counted at the emulation.
    @Test func cursorResumesAtTheProviderPage() async throws {
        let smartsheet = try PagedProvider("smartsheet", connector: "smartsheet_iam")
        let manatal = try PagedProvider("manatal")
        let harness = try await HubHarness(
            overrides: smartsheet.overrides(Self.smartsheet.hosts).merging(manatal.overrides(["api.manatal.com"])) { first, _ in first })
        let account = try await harness.hub.importAccount(
            endUserID: "user-1", endUserName: "Ada", connectorID: "smartsheet_iam", variantID: Self.smartsheet.variant, values: Self.smartsheet.values
        ).id
        let linked = try await harness.hub.importAccount(
            endUserID: "user-2", endUserName: "Grace", connectorID: "manatal", variantID: "api_token", values: ["apiToken": "manatal-token"])
        // The linking's verification requests aside.
        let before = (smartsheet: try await smartsheet.requests().count, manatal: try await manatal.requests().count)
        try await harness.run { client in
            func lists(_ provider: PagedProvider, _ prefix: String) async throws -> Int {
                let skip = provider.key == smartsheet.key ? before.smartsheet : before.manatal
                return try await provider.requests().dropFirst(skip).filter { $0.hasPrefix(prefix) }.count
            }
            // 5 records, 2 a page: 3 provider pages. A limit of 2 ends each call at a page's end.
            checkEqual(ids(try await client.unifiedRecords(account, "iam.user", limit: 2)), ["1000", "1001", "1002", "1003", "1004"])
            checkEqual(try await lists(smartsheet, "GET /2.0/users?"), 3, "one request per page at limit 2")
            // A limit of 1 stops inside pages: a page is read once by each call that returns from it.
            checkEqual(ids(try await client.unifiedRecords(account, "iam.user", limit: 1)), ["1000", "1001", "1002", "1003", "1004"])
            checkEqual(try await lists(smartsheet, "GET /2.0/users?"), 3 + 5, "one request per call at limit 1")
            let candidates = try await client.unifiedRecords(linked.id, "ats.candidate", limit: 2)
            checkEqual(ids(candidates), ["9000", "9001", "9002", "9003", "9004"])
            checkEqual(try await lists(manatal, "GET /open/v3/candidates/"), 3, "the next URLs followed once each")
        }
    }

    /// The account routes' errors: no key, unknown account, unmapped or unknown model.
    @Test func errorsMatchTheOtherAccountRoutes() async throws {
        let provider = try PagedProvider("smartsheet", connector: "smartsheet_iam")
        let (harness, account) = try await unifiedHub(provider, variant: Self.smartsheet.variant, values: Self.smartsheet.values, hosts: Self.smartsheet.hosts)
        try await harness.run { client in
            checkEqual(try await client.api(.get, "/v1/accounts/\(account)/unified/iam.user", key: "wrong").status, 401)
            let unknown = try await client.api(.get, "/v1/accounts/smartsheet_iam.acc_none/unified/iam.user")
            checkEqual(unknown.status, 404)
            checkEqual(unknown.json["error"] as? String, "not_found")
            checkEqual(try await client.api(.get, "/v1/accounts/smartsheet_iam.acc_none/unified/iam.user/1").status, 404)
            let unmapped = try await client.api(.get, "/v1/accounts/\(account)/unified/ats.job")
            checkEqual(unmapped.status, 400)
            checkEqual(unmapped.json["message"] as? String, "smartsheet_iam (access_token) does not map ats.job. It maps: iam.user.")
            checkEqual(try await client.api(.get, "/v1/accounts/\(account)/unified/nonsense").status, 400)
            checkEqual(try await client.api(.get, "/v1/accounts/\(account)/unified/ats.job/1").status, 400)
            let wrongMethod = try await client.api(.post, "/v1/accounts/\(account)/unified/iam.user")
            checkEqual(wrongMethod.status, 405)
            checkEqual(wrongMethod.headers[.allow], "GET")
            checkEqual(try await provider.requests().filter { $0.hasPrefix("GET /2.0/users?") }.count, 0, "no error reached the provider's list")
        }
    }
}

/// A sealed cursor with one character of its ciphertext changed (it then no longer opens).
enum UnifiedCursorForgery {
    static func altered(_ cursor: String) -> String {
        var characters = Array(cursor)
        let middle = characters.count / 2
        characters[middle] = characters[middle] == "A" ? "B" : "A"
        return String(characters)
    }
}

/// Zelt (OAuth authorization code, the Authlib emulation): the unified routes refresh an expired
/// token as the proxy does, and a revoked grant marks the account reconnect_required (409).
@Suite(.authServer) struct UnifiedOAuthTests {
    @Test func zeltUsersRefreshAndReconnectRequired() async throws {
        let server = try TestServer.current(.auth)
        let users: [any Sendable] = [
            ["userId": 1, "firstName": "Ada", "lastName": "Lovelace", "emailAddress": "ada@acme.example", "displayName": "Ada Lovelace"] as [String: any Sendable],
            ["userId": 2, "emailAddress": "grace@acme.example"] as [String: any Sendable],
        ]
        let provider = try await server.emulate(
            "zelt", paths: ProviderPaths(authorize: "/", token: "/apiv2/oauth/authorize/token"), responses: ["/apiv2/users": users])
        let redirect = URL(string: "http://127.0.0.1:8080/connect/oauth2/zelt/callback")!
        let oauthClient = try await server.registerClient("zelt", ClientOptions(refreshRedirectURI: true), redirectURI: redirect)
        let harness = try await HubHarness(overrides: ["zelt": provider.overrides(["go.zelt.app"])])
        try await harness.run { client in
            _ = try await client.openLinkSession(connectors: ["zelt"])
            let form = try await client.request(.get, "/link/connectors/zelt/oauth")
            let start = try await client.submit("/link/connectors/zelt/oauth", from: form, values: oauthClient.fields)
            let callback = try await Browser.callbackURL(for: try #require(URL(string: start.location ?? "")))
            _ = try await client.request(.get, callback.path + "?" + (callback.query ?? ""))
            let accounts = try #require(try await client.api(.get, "/v1/accounts").json["accounts"] as? [[String: Any]])
            let id = try #require(accounts.first?["id"] as? String)

            let listed = try await client.unifiedRecords(id, "iam.user")
            checkEqual(ids(listed), ["1", "2"])
            checkEqual(listed.map { $0["userName"] as? String ?? "-" }, ["ada@acme.example", "grace@acme.example"])
            let employees = try await client.unifiedRecords(id, "hris.employee")
            checkEqual(employees.first?["displayName"] as? String, "Ada Lovelace")

            let before = try await server.tokenRequests(oauthClient)
            try await server.expireAccessTokens(oauthClient)
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/unified/iam.user").status, 200)
            let after = try await server.tokenRequests(oauthClient)
            checkEqual(after["refresh_token"] ?? 0, (before["refresh_token"] ?? 0) + 1, "one refresh for the expired token")

            try await server.revokeAll(oauthClient)
            let refused = try await client.api(.get, "/v1/accounts/\(id)/unified/iam.user")
            checkEqual(refused.status, 409)
            checkEqual(refused.json["error"] as? String, "reconnect_required")
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)").json["status"] as? String, "reconnect_required")
            checkEqual(try await client.api(.get, "/v1/accounts/\(id)/unified/iam.user").status, 409, "and stays so until reconnected")
        }
    }
}
