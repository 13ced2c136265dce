import ConnectorHub
import Foundation
import HTTPTypes
import Testing

/// ATS mappings that read nested and JSON:API records, through the Hub's unified endpoints
/// against the paging emulation (Tests/Servers/unifiedpages.py): BambooHR's applicant-tracking
/// applications and Pinpoint's applications and jobs. Both accounts are linked through the Hub,
/// the spec's verification request included.
@Suite(.pagingServer) struct UnifiedATSRoutesTests {
    /// BambooHR (API key as the Basic username): applications with the applicant, status and job
    /// embedded, paged by `nextPageUrl` (null on the last page); integer ids become strings, a
    /// missing status leaves the stage out, and an applied date with a -05:00 offset is the same
    /// instant in UTC, on the next day.
    @Test func bambooHRApplicationsAndTheirApplicants() async throws {
        let provider = try PagedProvider("bamboohr")
        let (harness, account) = try await unifiedHub(
            provider, variant: "api_key", values: ["companyDomain": "acme", "apiKey": "bamboo-key"], hosts: ["api.bamboohr.com"])
        try await harness.run { client in
            let applications = try await client.unifiedRecords(account, "ats.application", limit: 2)
            checkEqual(ids(applications), ["700", "701", "702", "703", "704"])
            checkEqual(applications.map { $0["candidate"] as? String ?? "-" }, ["300", "301", "302", "303", "304"])
            checkEqual(applications.map { $0["stage"] as? String ?? "-" }, ["New", "Reviewed", "-", "Offer", "Hired"])
            checkEqual(applications.map { $0["source"] as? String ?? "-" }, ["LinkedIn", "-", "LinkedIn", "-", "LinkedIn"])
            checkEqual(applications[0]["appliedAt"] as? String, "2024-03-01T10:00:00Z")
            checkEqual(applications[2]["appliedAt"] as? String, "2024-03-01T04:30:00Z")
            checkEqual((applications[0]["remote"] as? [String: Any])?["id"] as? Int, 700, "remote: BambooHR's record, its integer id")
            let candidates = try await client.unifiedRecords(account, "ats.candidate")
            checkEqual(ids(candidates), ["300", "301", "302", "303", "304"])
            checkEqual(candidates[0]["firstName"] as? String, "Appl0")
            checkEqual(candidates[0]["emails"] as? [String], ["a0@acme.example"])
            check(candidates[1]["email"] == nil && candidates[1]["emails"] == nil, "no email: both left out")
            let lists = try await provider.requests().filter { $0.hasPrefix("GET /api/gateway.php/acme/v1/applicant_tracking/applications") }
            checkEqual(lists.count, 6, "three pages a list, two lists")
        }
    }

    /// Pinpoint (API key header, JSON:API pages by `page[number]` until an empty one): the
    /// application is also the candidate; a job without a title falls back to its id; offsets
    /// and `.000` milliseconds are normalised; a missing phone leaves `phoneNumbers` out; a job by id,
    /// and an unknown one is 404.
    @Test func pinpointApplicationsCandidatesAndJobs() async throws {
        let provider = try PagedProvider("pinpoint")
        let (harness, account) = try await unifiedHub(
            provider, variant: "api_key", values: ["subdomain": "acme", "apiKey": "pinpoint-key"], hosts: ["acme.pinpointhq.com"])
        try await harness.run { client in
            let candidates = try await client.unifiedRecords(account, "ats.candidate", limit: 2)
            checkEqual(ids(candidates), ["8000", "8001", "8002", "8003", "8004"])
            checkEqual(candidates[0]["name"] as? String, "Pin0 Point0")
            checkEqual(candidates[0]["phoneNumbers"] as? [String], ["+44 20 7946 0000"])
            check(candidates[3]["phoneNumbers"] == nil, "no phone")
            checkEqual(candidates[0]["createdAt"] as? String, "2024-04-01T09:00:00Z")
            let applications = try await client.unifiedRecords(account, "ats.application")
            checkEqual(applications.map { $0["job"] as? String ?? "-" }, ["900", "901", "900", "901", "900"])
            checkEqual(applications.map { $0["candidate"] as? String ?? "-" }, ids(applications))
            checkEqual(applications[2]["rejectedAt"] as? String, "2024-05-01T16:00:00Z")
            check(applications[0]["rejectedAt"] == nil, "not rejected")
            check(applications[4]["source"] == nil, "no source")
            checkEqual(applications[0]["source"] as? String, "Careers site")
            let jobs = try await client.unifiedRecords(account, "ats.job")
            checkEqual(jobs.map { $0["title"] as? String ?? "-" }, ["Pinpoint Job 0", "901", "Pinpoint Job 2", "Pinpoint Job 3", "Pinpoint Job 4"])
            checkEqual(jobs.map { $0["isRemote"] as? Bool ?? false }, [true, false, false, false, false])
            let one = try await client.api(.get, "/v1/accounts/\(account)/unified/ats.job/902")
            checkEqual(one.status, 200)
            checkEqual(one.json["title"] as? String, "Pinpoint Job 2")
            checkEqual(try await client.api(.get, "/v1/accounts/\(account)/unified/ats.job/999").status, 404)
            let requests = try await provider.requests()
            checkEqual(requests.filter { $0.hasPrefix("GET /api/v1/applications") }.count, 8, "four pages a list (the last empty), two lists")
        }
    }
}
