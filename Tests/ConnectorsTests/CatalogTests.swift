import ConnectorRuntime
import Connectors
import Foundation
import Testing

/// The compiled catalog, as tools that enumerate it see it.
@Suite struct CatalogTests {
    static let authTypes: Set<String> = [
        "apiKey", "basic", "bearerToken", "serviceUser", "oauth2AuthorizationCode", "oauth2ClientCredentials",
        "oauth2RefreshToken",
    ]

    @Test func catalogHasEveryConnectorOnceWithUniqueIDs() {
        let ids: [String] = ConnectorCatalog.all.map { $0.id }
        check(ids.count >= 35, "the catalog has \(ids.count) connectors")
        checkEqual(Set(ids).count, ids.count, "connector ids are unique")
        for id: String in ["zelt", "smartsheet_iam", "spotdraft", "hibob", "workday"] {
            check(ids.contains(id), "seed provider \(id) is in the catalog")
        }
    }

    @Test(arguments: ConnectorCatalog.all.map { $0.id })
    func connectorIsDescribedConsistently(id: String) throws {
        let connector: any ConnectorDefinition.Type = try unwrap(ConnectorCatalog.connector(id: id), "connector \(id)")
        check(!connector.displayName.isEmpty, "display name")
        check(!connector.categories.isEmpty, "categories")
        check(connector.docsURL.hasPrefix("https://"), "docs URL \(connector.docsURL)")
        let variants: [AuthVariantDescriptor] = connector.authVariants
        check(!variants.isEmpty, "at least one auth variant")
        checkEqual(Set(variants.map(\.id)).count, variants.count, "variant ids are unique")
        for variant: AuthVariantDescriptor in variants {
            checkDescriptor(variant, of: id)
        }
    }

    func checkDescriptor(_ variant: AuthVariantDescriptor, of id: String) {
        let where_: String = "\(id)/\(variant.id)"
        check(!variant.id.isEmpty && !variant.label.isEmpty, "\(where_): id and label")
        check(Self.authTypes.contains(variant.type), "\(where_): known auth type \(variant.type)")
        checkEqual(Set(variant.fieldKeys).count, variant.fieldKeys.count, "\(where_): field keys are unique")
        check(variant.fieldKeys.allSatisfy { !$0.isEmpty }, "\(where_): no empty field key")
        let needsFields: Bool = variant.type != "oauth2AuthorizationCode"
        check(!needsFields || !variant.fieldKeys.isEmpty, "\(where_): a static or service variant asks for its credentials")
    }

    @Test func seedProvidersListTheirVariantTypesInSpecOrder() {
        checkEqual(Zelt.authVariants, [Zelt.Oauth.descriptor])
        checkEqual(SmartsheetIam.authVariants, [SmartsheetIam.Oauth.descriptor, SmartsheetIam.AccessToken.descriptor])
        checkEqual(Spotdraft.authVariants, [Spotdraft.ClientCredentials.descriptor])
        checkEqual(Hibob.authVariants, [Hibob.ServiceUser.descriptor, Hibob.Oauth.descriptor])
        let workday: [AuthVariantDescriptor] = [
            Workday.Oauth.descriptor, Workday.RefreshToken.descriptor, Workday.ClientCredentials.descriptor, Workday.Isu.descriptor,
        ]
        checkEqual(Workday.authVariants, workday)
        checkEqual(Workday.authVariants.map(\.type), ["oauth2AuthorizationCode", "oauth2RefreshToken", "oauth2ClientCredentials", "basic"])
    }

    @Test func descriptorFieldKeysMatchTheGeneratedFields() {
        checkEqual(Zelt.Oauth.descriptor.fieldKeys, ["clientId", "clientSecret"])
        checkEqual(Workday.Isu.descriptor.fieldKeys, ["host", "tenant", "isuUsername", "isuPassword"])
        checkEqual(SmartsheetIam.AccessToken.descriptor.fieldKeys, ["region", "accessToken"])
        checkEqual(Spotdraft.ClientCredentials.descriptor.fieldKeys, ["region", "clientId", "clientSecret"])
    }

    @Test func zeltGuideListsTheFourteenScopesToEnableAndThePersonsClient() {
        let descriptor = Zelt.Oauth.descriptor
        checkEqual(descriptor.guide.scopes.count, 14)
        checkEqual(descriptor.guide.scopes.first, ConnectionGuide.Scope(name: "user:read:all", description: "Read general profile details of all users"))
        // The seed guide: "Upon reaching the Link Account page, enter the Client ID and Client Secret".
        checkEqual(descriptor.client, .person)
        checkEqual(descriptor.fields.map(\.supplier), [.person, .person])
        checkEqual(descriptor.formFields(appHasClient: true).map(\.label), ["Client ID", "Client Secret"])
        checkEqual(SmartsheetIam.Oauth.descriptor.client, .person)
        checkEqual(SmartsheetIam.Oauth.descriptor.formFields(appHasClient: false).map(\.label), ["Smartsheet region", "Client ID", "Client Secret"])
        check(descriptor.usesAuthorizationCode, "Zelt links with the authorization code grant")
    }

    /// Self-hosted or per-org providers take the person's own client; Salesforce may take the
    /// app's, its host pinned to Salesforce's domain.
    @Test func noAppSecretGoesToAHostThePersonTypes() throws {
        checkEqual(Gitlab.Oauth.descriptor.client, .person)
        checkEqual(Okta.Oauth.descriptor.client, .person)
        checkEqual(Salesforce.Oauth.descriptor.client, .either)
        checkEqual(Salesforce.Oauth.descriptor.fields.first?.hostSuffixes, [".my.salesforce.com"])
        let evil = ["salesforceURL": "https://evil.example.com", "clientId": "id", "clientSecret": "secret"]
        do {
            _ = try Salesforce.Oauth.descriptor.configuration(values: evil)
            Issue.record("a Salesforce URL outside .my.salesforce.com was accepted")
        } catch {
            checkEqual(error, .invalidField(key: "salesforceURL", reason: "must be a host ending in .my.salesforce.com, e.g. acme.my.salesforce.com"))
        }
        var good = evil
        good["salesforceURL"] = "https://acme.my.salesforce.com"
        _ = try Salesforce.Oauth.descriptor.configuration(values: good)
    }

    /// Every connector × variant: the guide the person sees names every value the form asks
    /// for, and no value the form does not ask for (with no app setup; for an `either` variant
    /// also with the app's client set up). Labels are matched as whole words, case-insensitively.
    @Test(arguments: ConnectorCatalog.all.map { $0.id })
    func guideAndFormAskForTheSameValues(id: String) throws {
        let connector: any ConnectorDefinition.Type = try unwrap(ConnectorCatalog.connector(id: id), "connector \(id)")
        for variant in connector.authVariants {
            for appHasClient in variant.client == .either ? [false, true] : [false] {
                let form = variant.formFields(appHasClient: appHasClient)
                let text = Self.guideText(variant.shownGuide(appHasClient: appHasClient))
                let place = "\(id)/\(variant.id)\(appHasClient ? " (app's client set up)" : "")"
                for field in form where !Self.mentions(text, field.label) {
                    Issue.record("\(place): the form asks for \(field.label), which the guide never names")
                }
                for field in variant.fields where !form.contains(field) && Self.mentions(text, field.label) {
                    Issue.record("\(place): the guide names \(field.label), which the form does not ask for")
                }
            }
        }
    }

    static func guideText(_ guide: ConnectionGuide) -> String {
        var parts = guide.warnings
        for section in guide.sections {
            parts += [section.title, section.intro ?? ""]
            for step in section.steps { parts += [step.title, step.text] + step.list }
        }
        return parts.joined(separator: "\n").lowercased()
    }

    /// `label` as a whole phrase in `text` (not inside a longer word).
    static func mentions(_ text: String, _ label: String) -> Bool {
        let needle = label.lowercased()
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: needle, range: searchRange) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            if !(before?.isLetter ?? false) && !(after?.isLetter ?? false) { return true }
            searchRange = found.upperBound..<text.endIndex
        }
        return false
    }
}
