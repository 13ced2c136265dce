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

    @Test func zeltGuideListsTheFourteenScopesToEnableAndSetupFields() {
        let descriptor = Zelt.Oauth.descriptor
        checkEqual(descriptor.guide.scopes.count, 14)
        checkEqual(descriptor.guide.scopes.first, ConnectionGuide.Scope(name: "user:read:all", description: "Read general profile details of all users"))
        checkEqual(descriptor.fields.map(\.supplier), [.setup, .setup])
        check(descriptor.usesAuthorizationCode, "Zelt links with the authorization code grant")
    }
}
