public import CharterCore

#if canImport(FoundationEssentials)
    internal import FoundationEssentials
#else
    internal import Foundation
#endif

extension RunReport {
    /// The version of `report.json`'s layout.
    public static let jsonFormat = 2

    /// `report.json`: every section of the page, as data.
    public var json: JSONValue {
        func matrix(_ m: [[Double?]]) -> JSONValue {
            .array(m.map { .array($0.map { jsonNumber($0) }) })
        }
        func pairs(_ items: [(label: String, value: String)]) -> JSONValue {
            .array(items.map { ["label": .string($0.label), "value": .string($0.value)] })
        }
        let object: [String: JSONValue] = [
            "charter_report": .integer(Self.jsonFormat),
            "request_id": .string(requestID), "plan_digest": .string(planDigest), "outcome": .string(outcome.rawValue),
            "certificate_id": certificateID.map(JSONValue.string) ?? .null,
            "gates": .array(gates.map(\.json)),
            "context": context.json, "lineage": lineage.json,
            "budget": budget?.json ?? .null, "spend": spend?.json ?? .null,
            "privacy": privacy.map { Self.encoded($0) } ?? .null,
            "privacy_notes": .array(privacyNotes.map { ["measure": .string($0.measure), "note": .string($0.note)] }),
            "k_anonymity_classes": kAnonymityClasses?.json ?? .null,
            "distance_histogram": distances?.json ?? .null,
            "membership_inference_roc": membershipROC.map { roc in
                .array(roc.points.map { .array([jsonNumber($0.falsePositiveRate), jsonNumber($0.truePositiveRate)]) })
            } ?? .null,
            "membership_inference_accuracy_interval": membershipAccuracyInterval?.json ?? .null,
            "membership_inference_auc_interval": membershipAUCInterval?.json ?? .null,
            "attribute_inference": .array(attributeInference.map(\.json)),
            "utility": utility.map { Self.encoded($0) } ?? .null,
            "tstr_protocol": pairs(tstrProtocol),
            "fairness": .array(fairness.map { Self.encoded($0) }),
            "marginals": .array(marginals.map(\.json)),
            "correlations": [
                "columns": .array(correlationColumns.map(JSONValue.string)), "real": matrix(realCorrelations),
                "synthetic": matrix(syntheticCorrelations),
            ],
            "warnings": .array(warnings.map(JSONValue.string)),
            "evaluation": evaluation,
        ]
        return .object(object)
    }

    /// A Codable value (a certificate section) as the certificate writes it; `null` when it cannot
    /// be encoded (a non-finite number).
    static func encoded(_ value: some Encodable) -> JSONValue {
        guard let data = try? JSONEncoder().encode(value),
            let parsed = try? JSONParser().parse(String(decoding: data, as: UTF8.self))
        else { return .null }
        return parsed
    }
}

/// A finite number, else `null` (JSON has no NaN or infinity).
func jsonNumber(_ value: Double?) -> JSONValue {
    guard let value, value.isFinite else { return .null }
    return .number(value)
}

extension RunReport.Context {
    var json: JSONValue {
        [
            "ticket": ticket.map(JSONValue.string) ?? .null, "requester": .string(requester),
            "request_digest": .string(requestDigest), "policy": .string(policyName),
            "policy_version": .string(policyVersion), "policy_digest": .string(policyDigest), "tier": .string(tier),
            "purpose": .string(purpose), "audience": .string(audience),
            "consumers": .array(consumers.map(JSONValue.string)),
            "issued_at": issuedAt.map(JSONValue.string) ?? .null,
            "expires_at": expiresAt.map(JSONValue.string) ?? .null,
            "ledger_digest": .string(ledgerDigest),
            "approvals": .array(
                approvals.map {
                    [
                        "role": .string($0.role), "by": .string($0.by), "at": .string($0.at),
                        "counted": .bool($0.counted),
                        "reason": $0.reason.map(JSONValue.string) ?? .null, "signed": .bool($0.signed),
                    ]
                }),
        ]
    }
}

extension RunReport.Budget {
    var json: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            "source": .string(source), "cap_source": .string(capSource), "cap_epsilon": text(capEpsilon),
            "cap_delta": text(capDelta), "spent_epsilon_before": text(spentEpsilonBefore),
            "spent_delta_before": .string(spentDeltaBefore), "run_epsilon": text(runEpsilon),
            "run_delta": text(runDelta),
        ]
    }
}

extension RunReport.Spend {
    var json: JSONValue {
        [
            "epsilon": jsonNumber(epsilon), "delta": jsonNumber(delta), "accountant": .string(accountant),
            "claimed_by_external_tool": .bool(claimedByExternalTool),
            "mechanisms": .array(
                mechanisms.map {
                    [
                        "mechanism": .string($0.name), "subject": $0.subject.map(JSONValue.string) ?? .null,
                        "share": jsonNumber($0.share), "record": $0.record,
                    ]
                }),
        ]
    }
}

extension RunReport.Lineage {
    var json: JSONValue {
        [
            "source": [
                "dataset": .string(dataset), "path": .string(sourcePath), "sha256": .string(sourceDigest),
                "rows": .integer(sourceRows), "classification": .string(classification),
                "excluded_columns": .array(excludedColumns.map(JSONValue.string)),
                "quasi_identifiers": .array(quasiIdentifiers.map(JSONValue.string)),
                "sensitive": .array(sensitive.map(JSONValue.string)),
                "protected": .array(protected.map(JSONValue.string)),
                "target": target.map(JSONValue.string) ?? .null,
            ],
            "split": [
                "holdout_fraction": .string(holdoutFraction), "seed": .string(splitSeed),
                "train_rows": .integer(trainRows), "holdout_rows": .integer(holdoutRows),
            ],
            "generator": [
                "name": .string(generator), "version": .string(generatorVersion), "seed": .string(generatorSeed),
                "parameters": parameters,
            ],
            "synthetic": [
                "rows": .integer(syntheticRows), "columns": .array(syntheticColumns.map(JSONValue.string)),
                "file": syntheticFile.map(JSONValue.string) ?? .null,
                "sha256": syntheticDigest.map(JSONValue.string) ?? .null,
            ],
        ]
    }
}

extension RunReport.KAnonymityClasses {
    var json: JSONValue {
        func table(_ t: Table) -> JSONValue {
            [
                "rows": .integer(t.rows), "classes": .integer(t.classes), "k": .integer(t.k),
                "singletons": .integer(t.singletons), "classes_below_threshold": .integer(t.classesBelowThreshold),
                "rows_in_classes_below_threshold": .integer(t.rowsInClassesBelowThreshold),
            ]
        }
        return [
            "quasi_identifiers": .array(quasiIdentifiers.map(JSONValue.string)), "threshold": .integer(threshold),
            "train": table(train), "synthetic": table(synthetic),
            "synthetic_rows_in_small_train_classes": .integer(syntheticRowsInSmallTrainClasses),
            "synthetic_rows_in_train_singletons": .integer(syntheticRowsInTrainSingletons),
            "synthetic_rows_absent_from_train": .integer(syntheticRowsAbsentFromTrain),
        ]
    }
}

extension RunReport.DistanceHistogram {
    var json: JSONValue {
        [
            "edges": .array(edges.map { jsonNumber($0) }), "to_training": .array(toTraining.map(JSONValue.integer)),
            "to_holdout": .array(toHoldout.map(JSONValue.integer)), "clipped_at": jsonNumber(clippedAt),
        ]
    }
}

extension RunReport.AttributeInferenceSummary {
    var json: JSONValue {
        [
            "secret": .string(secret), "auxiliary_columns": .array(auxiliaryColumns.map(JSONValue.string)),
            "attack_rate": jsonNumber(attackRate), "control_rate": jsonNumber(controlRate),
            "baseline_rate": jsonNumber(baselineRate), "targets": .integer(targets), "risk": jsonNumber(risk),
            "risk_interval": [
                "lower": jsonNumber(riskLower), "upper": jsonNumber(riskUpper), "level": jsonNumber(level),
            ],
        ]
    }
}

extension GateCheck {
    /// The check as JSON, with its decision rule, its interval when it has one, and its shortfall
    /// when it failed.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "gate": .string(gate.rawValue), "check": .string(check), "threshold": .number(threshold),
            "bound": .string(bound.rawValue), "passed": .bool(passed), "measured": jsonNumber(measured),
            "rule": .string(rule.rawValue),
        ]
        if let shortfall { object["shortfall"] = .number(shortfall) }
        if let note { object["note"] = .string(note) }
        if let uncertainty { object["uncertainty"] = uncertainty.json }
        return .object(object)
    }
}
