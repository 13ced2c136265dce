import ConnectorRuntime
import Connectors
import Foundation
import Testing

/// Facts of the ATS and IAM connectors corrected after checking them against the providers' public
/// references (see each spec's `sources`): the compiled records read provider-shaped objects (invented
/// values, the providers' field names and shapes) and the list operations send the documented parameters.
@Suite struct CatalogVerifiedFactsTests {
    static func record<R: ResourceRecord>(_ type: R.Type, _ json: String) throws -> R {
        try JSONDecoder().decode(R.self, from: Data(json.utf8))
    }

    /// Homerun nests the applicant's names, email and phone under `personal_info`.
    @Test func homerunJobApplicationsKeepTheApplicantUnderPersonalInfo() throws {
        let application = try Self.record(Homerun.JobApplication.self, """
            {"id": "ja_1", "vacancy_id": "job_1", "stage": {"name": "Interview"}, "disqualified": false,
             "created_at": "2025-03-04T10:00:00Z", "hired_at": null,
             "personal_info": {"first_name": "Ada", "last_name": "Byron", "email": "ada@example.test", "phone_number": null}}
            """)
        #expect(application.personalInfo?["first_name"] == .string("Ada"))
        #expect(application.personalInfo?["email"] == .string("ada@example.test"))
        #expect(application.disqualified == false)
        #expect(application.createdAt != nil)
    }

    /// CATS dates records with `date_created`/`date_modified`; a candidate's phones are an object.
    @Test func catsRecordsUseDateCreatedAndPhonesByKind() throws {
        let pipeline = try Self.record(Cats.Pipeline.self, """
            {"id": 8459, "candidate_id": 1367, "job_id": 3882, "status_id": 3537, "rating": 3,
             "date_created": "2024-11-19T20:13:12+00:00", "date_modified": "2024-11-20T08:00:00+00:00"}
            """)
        #expect(pipeline.dateCreated != nil)
        #expect(pipeline.dateModified != nil)
        let candidate = try Self.record(Cats.Candidate.self, """
            {"id": 1, "first_name": "Ada", "emails": {"primary": "ada@example.test", "secondary": null},
             "phones": {"home": null, "cell": "5550100", "work": null}, "date_created": "2024-11-19T20:13:12+00:00"}
            """)
        #expect(candidate.phones?["cell"] == .string("5550100"))
        #expect(candidate.dateCreated != nil)
    }

    /// A FusionAuth group's roles map application ids to role lists; the user search asks for the exact total.
    @Test func fusionAuthGroupRolesAreKeyedByApplicationAndSearchAsksForTheExactTotal() throws {
        let group = try Self.record(Fusionauth.Group.self, """
            {"id": "2c7c8a6e-0000-4000-8000-000000000001", "name": "Admins",
             "roles": {"3c219e58-0000-4000-8000-000000000002": [{"id": "r1", "name": "admin", "isDefault": false, "isSuperRole": true}]},
             "insertInstant": 1700000000000, "lastUpdateInstant": 1700000000001}
            """)
        #expect(group.roles?["3c219e58-0000-4000-8000-000000000002"] != nil)
        #expect(group.insertInstant == Date(timeIntervalSince1970: 1_700_000_000))
        let query = Fusionauth.ApiKey.Resources.Users.listOperation.query
        #expect(query.contains(QueryParameter("queryString", "*")))
        #expect(query.contains(QueryParameter("accurateTotal", "true")))
    }
}
