// Unified models end to end through generated code: AcmeResources' `unified` mapping of
// `employees` to hris.employee (Tests/Reference/Specs/acme_resources.json) against the paging
// emulation (Tests/Servers/pagingserver.py). The enum edge case: a status the spec does not declare
// ("contractor") becomes `unknown` with its source value; the date edge cases: a leap day read as
// a declared `date` and through a `dd/MM/yyyy` pattern, Unix seconds, and an impossible day
// (30/02/2024) that is a located conversion error, stopping or skipped as the caller chooses.
import ConnectorRuntime
import Foundation
import Testing

@Suite(.pagingServer, .serialized) struct UnifiedPagingTests {
    func unified(_ account: PagingAccount) -> AcmeResources.ApiKey.Unified { AcmeResources.ApiKey.Unified(account.connection) }

    @Test func employeesListThroughTheResourcePagerAsTheUnifiedModel() async throws {
        let account = try PagingAccount("ok")
        let employees = try await collect(unified(account).employees.list())
        #expect(employees.map(\.id) == ["e0", "e1", "e2", "e3", "e4"])
        // The same three pages as the resource itself: the mapping adds no request.
        #expect(try await account.requests() == [
            "GET /v1/employees?offset=0&limit=2", "GET /v1/employees?offset=2&limit=2", "GET /v1/employees?offset=4&limit=2",
        ])
        let second = employees[1]
        #expect(second.firstName == "Person")
        #expect(second.displayName == "Person 1 #1")
        #expect(second.workEmail == "person1@acme.example")
        #expect(second.employeeNumber == "1")
        #expect(second.workLocation == "Lyon")
        #expect(second.employmentType == UnifiedEnum(value: .fullTime, sourceValue: "FT"))
        #expect(second.hireDate == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(second.startDate == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(second.createdAt == Date(timeIntervalSince1970: 1_700_000_001))
        #expect(second.updatedAt == ISO8601DateFormatter().date(from: "2025-01-02T10:00:00Z"))
        #expect(second.remote["nickname"] == .string("p1"))
        #expect(second.manager == nil)
    }

    @Test func enumValuesAreMappedAndAnUnlistedOneIsUnknownWithItsSourceValue() async throws {
        let account = try PagingAccount("ok")
        let statuses = try await collect(unified(account).employees.list()).map(\.employmentStatus)
        #expect(statuses == [
            UnifiedEnum(value: .active, sourceValue: "active"), UnifiedEnum(value: .inactive, sourceValue: "inactive"),
            UnifiedEnum(value: .leave, sourceValue: "on_leave"), UnifiedEnum(value: nil, sourceValue: "contractor"),
            UnifiedEnum(value: .active, sourceValue: "active"),
        ])
        let unknown = try #require(statuses[3])
        #expect(unknown.rawValue == "unknown")
        let json = try await collect(unified(account).employees.list())[3].json
        #expect(json["employmentStatus"] == .object(["value": .string("unknown"), "sourceValue": .string("contractor")]))
        #expect(json["hireDate"] == .string("2024-02-29"))
        #expect(json["remote"]?["id"] == .string("e3"))
    }

    @Test func aValueThatDoesNotConvertIsALocatedErrorOrSkipped() async throws {
        let account = try PagingAccount("bad-date")
        do {
            _ = try await collect(unified(account).employees.list())
            Issue.record("expected a conversion error")
        } catch let error as UnifiedConversionError {
            #expect(error == UnifiedConversionError(
                connector: "acme_resources", resource: "employees", page: 2, index: 1, sourceField: "/start",
                targetField: "startDate", reason: "does not match the date format 'dd/MM/yyyy'"))
            #expect(error.description
                == "acme_resources employees: record 1 of page 2 cannot be converted: '/start' → 'startDate' does not match the date format 'dd/MM/yyyy'")
            #expect(!error.description.contains("30/02"), "values stay out of errors")
        }
        let skipping = try PagingAccount("bad-date")
        let pages = try await collect(unified(skipping).employees.pages(options: ListOptions(invalidRecords: .skip)))
        #expect(pages.flatMap(\.records).map(\.id) == ["e0", "e1", "e2", "e4"])
        #expect(pages.map(\.unconverted.count) == [0, 1, 0])
        #expect(pages[1].unconverted.first?.targetField == "startDate")
    }

    /// The generated reader (`employeesFields`) reads the declared fields from the typed records'
    /// properties; the values are those of the mapping run on each record's JSON alone (the Hub's
    /// way), with the declared fields and without.
    @Test func theTypedRecordsGiveTheValuesOfTheirJSON() async throws {
        let account = try PagingAccount("ok")
        let program = AcmeResources.ApiKey.Unified.employeesMapping
        #expect(program.declared == [.json("id"), .json("first_name"), .json("email"), .json("status"), .dateTime("updated_at")])
        let plain = UnifiedMappingProgram(connector: program.connector, resource: program.resource, model: program.model, fields: program.fields)
        let employees = try await collect(unified(account).employees.list())
        #expect(employees.count == 5)
        for employee in employees {
            #expect(try employee.values == program.evaluate(employee.remote))
            #expect(try employee.values == plain.evaluate(employee.remote))
        }
    }

    @Test func aRecordTheResourceRejectsIsSkippedBeforeMapping() async throws {
        let account = try PagingAccount("missing-field")
        let pages = try await collect(unified(account).employees.pages(options: ListOptions(invalidRecords: .skip)))
        #expect(pages.flatMap(\.records).map(\.id) == ["e0", "e1", "e2", "e4"])
        #expect(pages[1].skipped == [.invalidRecord(resource: "employees", page: 2, index: 1, field: "updated_at", reason: "is missing")])
    }

    @Test func getReadsOneRecordAsTheModel() async throws {
        let account = try PagingAccount("ok")
        let one = try await unified(account).employees.get(id: "e2")
        #expect(one.id == "e2")
        #expect(one.employmentStatus?.value == .leave)
        await expectResourceError(.notFound(resource: "employees")) {
            _ = try await unified(account).employees.get(id: "missing")
        }
    }
}
