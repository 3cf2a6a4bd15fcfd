public import CharterCore

extension Plan {
    /// Reads a plan written by ``json``. Unknown or missing members, wrong types and malformed
    /// digests are errors; the digest is not checked here (see ``isIntact``), so that `apply` can
    /// say "edited" rather than "unreadable".
    public init(json value: JSONValue) throws(PlanDecodingError) {
        let top = try PlanJSONReader(
            value, path: "",
            keys: [
                "charter_plan", "request", "policy", "inputs", "stages", "budget", "warnings", "approvals", "digest",
            ],
            optional: ["files"])
        let version = try top.int("charter_plan")
        guard version == Self.formatVersion else {
            throw PlanDecodingError(
                path: "charter_plan",
                message: "plan format \(version) is not \(Self.formatVersion), the one this charter reads")
        }
        let request = try PlanJSONReader(top.value("request"), path: "request", keys: ["id", "ticket", "requester"])
        self.request = RequestSummary(
            id: try request.string("id"), ticket: try request.optionalString("ticket"),
            requester: try request.string("requester"))
        let policy = try PlanJSONReader(top.value("policy"), path: "policy", keys: ["name", "version", "tier"])
        self.policy = PolicySummary(
            name: try policy.string("name"), version: try policy.optionalString("version"),
            tier: try policy.string("tier"))
        let inputs = try PlanJSONReader(
            top.value("inputs"), path: "inputs", keys: ["policy", "request", "source", "ledger"])
        self.inputs = PlanDigests(
            policy: try inputs.digest("policy"), request: try inputs.digest("request"),
            source: try inputs.optionalDigest("source"), ledger: try inputs.digest("ledger"))
        var stages: [PlanStage] = []
        for (index, stage) in try top.array("stages").enumerated() {
            stages.append(try PlanStage(json: stage, path: "stages[\(index)]"))
        }
        self.stages = stages
        self.budget = try BudgetForecast(json: top.value("budget"))
        var warnings: [PlanWarning] = []
        for (index, item) in try top.array("warnings").enumerated() {
            let warning = try PlanJSONReader(item, path: "warnings[\(index)]", keys: ["code", "severity", "message"])
            warnings.append(
                PlanWarning(
                    code: try warning.string("code"),
                    severity: try warning.oneOf("severity", PlanWarning.Severity.self),
                    message: try warning.string("message")))
        }
        self.warnings = warnings
        self.approvals = try ApprovalStatus(json: top.value("approvals"))
        self.digest = try top.digest("digest")
        if top.value("files") != .null {
            let files = try PlanJSONReader(top.value("files"), path: "files", keys: ["request", "policy"])
            self.files = PlanFiles(request: try files.string("request"), policy: try files.string("policy"))
        }
    }

    /// Reads a plan from JSON text.
    public init(jsonText text: String) throws(PlanDecodingError) {
        let value: JSONValue
        do {
            value = try JSONParser().parse(text)
        } catch {
            throw PlanDecodingError(path: "", message: "not JSON: \(error.description)")
        }
        try self.init(json: value)
    }
}

extension ApprovalStatus {
    init(json value: JSONValue) throws(PlanDecodingError) {
        let top = try PlanJSONReader(value, path: "approvals", keys: ["state", "needed", "rejected"])
        state = try top.oneOf("state", State.self)
        needed = []
        for (index, item) in try top.array("needed").enumerated() {
            let need = try PlanJSONReader(
                item, path: "approvals.needed[\(index)]", keys: ["roles", "count", "source", "override"])
            needed.append(
                Needed(
                    roles: try need.strings("roles"), count: try need.int("count"), source: try need.string("source"),
                    isOverride: try need.bool("override")))
        }
        rejected = []
        for (index, item) in try top.array("rejected").enumerated() {
            let entry = try PlanJSONReader(item, path: "approvals.rejected[\(index)]", keys: ["role", "by", "reason"])
            rejected.append(
                Rejected(role: try entry.string("role"), by: try entry.string("by"), reason: try entry.string("reason"))
            )
        }
    }
}

extension BudgetForecast {
    init(json value: JSONValue) throws(PlanDecodingError) {
        let b = try PlanJSONReader(
            value, path: "budget",
            keys: [
                "source", "draws", "cap_source", "cap_epsilon", "cap_delta", "spent_epsilon", "spent_delta",
                "run_epsilon", "run_delta", "remaining_epsilon", "remaining_delta", "fits",
            ])
        self.init(
            source: try b.string("source"), draws: try b.bool("draws"),
            capEpsilon: try b.optionalDecimal("cap_epsilon"),
            capDelta: try b.optionalDecimal("cap_delta"), spentEpsilon: try b.optionalDecimal("spent_epsilon"),
            spentDelta: try b.decimal("spent_delta"), runEpsilon: try b.optionalDecimal("run_epsilon"),
            runDelta: try b.optionalDecimal("run_delta"), remainingEpsilon: try b.optionalDecimal("remaining_epsilon"),
            remainingDelta: try b.optionalDecimal("remaining_delta"), fits: try b.bool("fits"),
            capSource: try b.string("cap_source"))
    }
}

extension BudgetSplit {
    init(json value: JSONValue, path: String) throws(PlanDecodingError) {
        let split = try PlanJSONReader(value, path: path, keys: ["accountant", "total", "shares"])
        var shares: [Share] = []
        for (index, item) in try split.array("shares").enumerated() {
            let share = try PlanJSONReader(
                item, path: "\(path).shares[\(index)]", keys: ["mechanism", "fraction", "budget"])
            shares.append(
                Share(
                    mechanism: try share.string("mechanism"), fraction: try share.decimal("fraction"),
                    budget: try share.optionalDecimal("budget")))
        }
        self.init(accountant: try split.string("accountant"), total: try split.decimal("total"), shares: shares)
    }
}

extension PlanCheck {
    init(json value: JSONValue, path: String) throws(PlanDecodingError) {
        let c = try PlanJSONReader(
            value, path: path, keys: ["id", "metric", "bound", "threshold", "source", "parameters"])
        self.init(
            id: try c.string("id"), metric: try c.string("metric"), bound: try c.oneOf("bound", Bound.self),
            threshold: try c.decimal("threshold"), source: try c.string("source"),
            parameters: try c.object("parameters"))
    }
}

extension PlanStage {
    static let keys: [Kind: Set<String>] = [
        .verifySource: [
            "dataset", "path", "sha256", "rows", "classification", "privacy_unit", "quasi_identifiers", "sensitive",
            "protected", "target", "exclude",
        ],
        .holdoutSplit: ["fraction", "seed", "stratify"],
        .generate: [
            "generator", "differentially_private", "epsilon", "delta", "seed", "rows", "declared_columns", "command",
            "calibration", "parameters", "budget_split",
        ],
        .privacyGate: ["checks"], .utilityGate: ["checks"], .fairnessGate: ["checks"],
        .certify: [
            "expires_at", "warn_days", "revalidate_every_days", "purpose", "audience", "consumers", "jurisdiction",
            "signature",
        ],
        .publish: ["directory", "synthetic", "certificate", "report_json", "report_html"],
    ]

    init(json value: JSONValue, path: String) throws(PlanDecodingError) {
        guard case .string(let name) = value["stage"] ?? .null else {
            throw PlanDecodingError(path: PlanJSONReader.join(path, "stage"), message: "expected a stage name")
        }
        guard let kind = Kind(rawValue: name), let keys = Self.keys[kind] else {
            throw PlanDecodingError(path: PlanJSONReader.join(path, "stage"), message: "unknown stage \"\(name)\"")
        }
        let s = try PlanJSONReader(
            value, path: path, keys: keys.union(["stage"]),
            optional: kind == .generate ? ["tool", "draws", "attempts"] : kind == .certify ? ["revalidation"] : [])
        switch kind {
        case .verifySource:
            self = .verifySource(
                SourceStage(
                    dataset: try s.string("dataset"), path: try s.string("path"),
                    sha256: try s.optionalDigest("sha256"),
                    rows: try s.optionalInt("rows"), classification: try s.string("classification"),
                    privacyUnit: try s.optionalString("privacy_unit"),
                    quasiIdentifiers: try s.strings("quasi_identifiers"),
                    sensitive: try s.strings("sensitive"), protected: try s.strings("protected"),
                    target: try s.optionalString("target"), exclude: try s.strings("exclude")))
        case .holdoutSplit:
            self = .holdoutSplit(
                HoldoutStage(
                    fraction: try s.decimal("fraction"), seed: try s.int("seed"),
                    stratify: try s.optionalString("stratify")))
        case .generate:
            var stage = GenerateStage(
                generator: try s.string("generator"), differentiallyPrivate: try s.bool("differentially_private"),
                epsilon: try s.optionalDecimal("epsilon"), delta: try s.optionalDecimal("delta"),
                seed: try s.int("seed"),
                rows: try s.int("rows"), declaredColumns: try s.strings("declared_columns"),
                command: s.value("command") == .null ? nil : try s.strings("command"),
                calibration: try s.string("calibration"), parameters: try s.object("parameters"),
                budgetSplit: s.value("budget_split") == .null
                    ? nil : try BudgetSplit(json: s.value("budget_split"), path: s.at("budget_split")))
            if s.value("tool") != .null {
                var tool: [PinnedToolFile] = []
                for (index, item) in try s.array("tool").enumerated() {
                    let pin = try PlanJSONReader(
                        item, path: "\(s.at("tool"))[\(index)]", keys: ["role", "path", "sha256"])
                    tool.append(
                        PinnedToolFile(
                            role: try pin.string("role"), path: try pin.string("path"), sha256: try pin.digest("sha256")
                        ))
                }
                stage.tool = tool
            }
            for (key, range) in [("draws", 1...20), ("attempts", 1...10)] where s.value(key) != .null {
                let value = try s.int(key)
                guard range.contains(value) else {
                    throw PlanDecodingError(
                        path: s.at(key), message: "expected \(key) from \(range.lowerBound) to \(range.upperBound)")
                }
                if key == "draws" { stage.draws = value } else { stage.attempts = value }
            }
            self = .generate(stage)
        case .privacyGate, .utilityGate, .fairnessGate:
            var checks: [PlanCheck] = []
            for (index, item) in try s.array("checks").enumerated() {
                checks.append(try PlanCheck(json: item, path: "\(path).checks[\(index)]"))
            }
            let gate = GateStage(checks: checks)
            self =
                kind == .privacyGate
                ? .privacyGate(gate) : kind == .utilityGate ? .utilityGate(gate) : .fairnessGate(gate)
        case .certify:
            let expires = try s.optionalString("expires_at")
            var date: CalendarDate?
            if let expires {
                guard let parsed = CalendarDate(iso: expires) else {
                    throw PlanDecodingError(path: s.at("expires_at"), message: "expected a date written YYYY-MM-DD")
                }
                date = parsed
            }
            var certify = CertifyStage(
                expiresAt: date, warnDays: try s.optionalInt("warn_days"),
                revalidateEveryDays: try s.optionalInt("revalidate_every_days"), purpose: try s.string("purpose"),
                audience: try s.string("audience"), consumers: try s.strings("consumers"),
                jurisdiction: try s.optionalString("jurisdiction"), signature: try s.string("signature"))
            if s.value("revalidation") != .null {
                let r = try PlanJSONReader(
                    s.value("revalidation"), path: s.at("revalidation"), keys: ["drift_threshold", "enforce"])
                certify.revalidation = .init(
                    driftThreshold: try r.decimal("drift_threshold"), enforce: try r.bool("enforce"))
            }
            self = .certify(certify)
        case .publish:
            self = .publish(
                PublishStage(
                    directory: try s.string("directory"), synthetic: try s.string("synthetic"),
                    certificate: try s.string("certificate"), reportJSON: try s.string("report_json"),
                    reportHTML: try s.string("report_html")))
        }
    }
}
