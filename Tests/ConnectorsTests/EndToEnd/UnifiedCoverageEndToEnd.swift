// Unified mappings added to reach the coverage goal of issue 20, end to end through the generated
// `Connectors` module against the provider emulations of Tests/Servers/catalogpages.py (served by
// pagingserver.py like UnifiedEndToEnd): one provider record filling two models, references
// between them, and values read inside nested objects and arrays of objects.
import ConnectorRuntime
import Connectors
import Foundation
import Testing

@Suite(.pagingServer, .timeLimit(.minutes(1)))
struct UnifiedCoverageEndToEnd {
    func unified(_ account: ProviderAccount) async throws -> Homerun.ApiKey.Unified {
        let configuration = try Homerun.ApiKey.configuration(.init(apiKey: Secret("homerun-key")))
            .overridingEndpoints(["api.homerun.co": account.root])
        return Homerun.ApiKey.Unified(try await account.connection(configuration))
    }

    /// Homerun job applications as ats.application: the applicant is the candidate (the same
    /// record, so the candidate reference is the application's id), the vacancy the job; the
    /// disqualified flag as the status, the stage and first source by name, the reason when
    /// disqualified; pages from 1 until an empty page.
    @Test func homerunJobApplicationsAsApplications() async throws {
        let account = try ProviderAccount("homerun")
        let applications = try await everything(try await unified(account).applications.list())
        #expect(applications.map(\.id) == ["app-0", "app-1", "app-2", "app-3", "app-4"])
        #expect(try await account.requests() == [
            "GET /v2/job-applications?page=1&perPage=100", "GET /v2/job-applications?page=2&perPage=100",
            "GET /v2/job-applications?page=3&perPage=100", "GET /v2/job-applications?page=4&perPage=100",
        ])
        #expect(applications.map(\.candidate) == ["app-0", "app-1", "app-2", "app-3", "app-4"])
        #expect(applications.map(\.job) == ["vac-0", "vac-1", "vac-0", "vac-1", "vac-0"])
        #expect(applications.map { $0.status?.value } == [.active, .active, .active, .rejected, .active])
        #expect(applications[3].status?.sourceValue == "true")
        #expect(applications[1].stage == "Interview")
        #expect(applications[0].source == "Homerun Career Page")
        #expect(applications[2].source == nil)
        #expect(applications[3].rejectionReason == "Too junior")
        #expect(applications[0].rejectionReason == nil)
        #expect(applications[0].appliedAt == date("2024-03-01T08:00:00Z"))
    }

    /// The same records as ats.candidate: names and contact details inside `personal_info`, the
    /// location joined from city and country, the application as the candidate's one application.
    @Test func homerunApplicantsAsCandidates() async throws {
        let account = try ProviderAccount("homerun")
        let candidates = try await everything(try await unified(account).candidates.list())
        #expect(candidates.count == 5)
        #expect(candidates[0].name == "First0 Last0")
        #expect(candidates[0].emails == ["a0@mail.example"])
        #expect(candidates[1].phoneNumbers == nil)
        #expect(candidates[2].phoneNumbers == ["+31 20 555 0002"])
        #expect(candidates[0].location == "Utrecht, NL")
        #expect(candidates[4].applications == ["app-4"])
    }
}
