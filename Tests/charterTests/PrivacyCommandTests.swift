import CharterCore
import Foundation
import Testing

@Suite("charter privacy")
struct PrivacyCommandTests {
    private func json(_ arguments: [String]) throws -> JSONValue {
        let result = try CLIRunner.run(["privacy"] + arguments + ["--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONParser().parse(result.stdout)
    }

    @Test("epsilon: MNIST DP-SGD (q = 256/60000, σ = 1.1, 60 epochs) is 2.597 at α = 8.1, as JSON")
    func epsilonJSON() throws {
        let result = try CLIRunner.run([
            "privacy", "epsilon", "--sampling-rate", "0.004266666666666667", "--noise-multiplier", "1.1",
            "--steps", "14063", "--delta", "1e-5", "--format", "json",
        ])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let value = try JSONParser().parse(result.stdout)
        let epsilon = try #require(value["epsilon"]?.doubleValue)
        #expect(abs(epsilon - 2.5966555286811426) < 1e-9)
        #expect(value["optimal_order"]?.doubleValue == 8.1)
        #expect(result.stdout.hasPrefix("{\"epsilon\":2.59665552868114"))
    }

    @Test("epsilon: text output names each quantity on its own line; --accountant rdp is the default")
    func epsilonText() throws {
        let result = try CLIRunner.run([
            "privacy", "epsilon", "--sampling-rate", "1", "--noise-multiplier", "1", "--steps", "1", "--delta", "1e-5",
            "--accountant", "rdp",
        ])
        #expect(result.status == 0)
        #expect(result.stdout == "epsilon: 4.728507067217623\noptimal_order: 5.4\n")
    }

    @Test("epsilon --accountant pld: a single Gaussian (σ = 1, δ = 1e-5) is 4.37718, 7% below RDP, with no order")
    func epsilonPLD() throws {
        let value = try json([
            "epsilon", "--sampling-rate", "1", "--noise-multiplier", "1", "--steps", "1", "--delta", "1e-5",
            "--accountant", "pld",
        ])
        let epsilon = try #require(value["epsilon"]?.doubleValue)
        #expect(epsilon >= 4.377178095681137 && epsilon - 4.377178095681137 < 1e-6)
        #expect(value["optimal_order"] == .null)
    }

    @Test("epsilon: zero steps spend nothing")
    func zeroSteps() throws {
        let value = try json([
            "epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "1", "--steps", "0", "--delta", "1e-5",
        ])
        #expect(value["epsilon"]?.doubleValue == 0)
    }

    @Test("noise-multiplier: the calibrated σ meets the target and is within 1e-7 of dp-accounting (INV-06)")
    func noiseMultiplier() throws {
        let value = try json([
            "noise-multiplier", "--target-epsilon", "1", "--sampling-rate", "0.01", "--steps", "5000", "--delta",
            "1e-5",
        ])
        let sigma = try #require(value["noise_multiplier"]?.doubleValue)
        #expect(sigma <= 2.9730190297806516 && sigma > 2.9730190297806516 - 2e-7)
        let check = try json([
            "epsilon", "--sampling-rate", "0.01", "--noise-multiplier", "\(sigma)", "--steps", "5000", "--delta",
            "1e-5",
        ])
        #expect(try #require(check["epsilon"]?.doubleValue) <= 1)
    }

    @Test("gaussian-sigma: Balle–Wang σ for ε = 1, δ = 1e-5 is 3.7306 (GAU and INV-16 rows)")
    func gaussianSigma() throws {
        let value = try json(["gaussian-sigma", "--epsilon", "1", "--delta", "1e-5", "--sensitivity", "1"])
        let sigma = try #require(value["sigma"]?.doubleValue)
        #expect(abs(sigma / 3.7306316348159374 - 1) < 1e-10)
        let scaled = try json(["gaussian-sigma", "--epsilon", "0.5", "--delta", "1e-6", "--sensitivity", "0.1"])
        #expect(abs(try #require(scaled["sigma"]?.doubleValue) / 0.8057618480725045 - 1) < 1e-10)
    }

    @Test(
        "bad arguments exit 2 with a message naming the option",
        arguments: [
            (
                ["epsilon", "--sampling-rate", "0", "--noise-multiplier", "1", "--steps", "1", "--delta", "1e-5"],
                "--sampling-rate"
            ),
            (
                ["epsilon", "--sampling-rate", "1.5", "--noise-multiplier", "1", "--steps", "1", "--delta", "1e-5"],
                "--sampling-rate"
            ),
            (
                ["epsilon", "--sampling-rate", "nan", "--noise-multiplier", "1", "--steps", "1", "--delta", "1e-5"],
                "--sampling-rate"
            ),
            (
                ["epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "0", "--steps", "1", "--delta", "1e-5"],
                "--noise-multiplier"
            ),
            (
                ["epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "inf", "--steps", "1", "--delta", "1e-5"],
                "--noise-multiplier"
            ),
            (
                ["epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps=-3", "--delta", "1e-5"],
                "--steps"
            ),
            (
                ["epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "1", "--delta", "0"],
                "--delta"
            ),
            (
                ["epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "1", "--delta", "1"],
                "--delta"
            ),
            (
                [
                    "epsilon", "--sampling-rate", "0.1", "--noise-multiplier", "1", "--steps", "1", "--delta", "1e-5",
                    "--accountant", "moments",
                ], "--accountant"
            ),
            (
                ["epsilon", "--sampling-rate", "abc", "--noise-multiplier", "1", "--steps", "1", "--delta", "1e-5"],
                "--sampling-rate"
            ),
            (
                [
                    "noise-multiplier", "--target-epsilon", "-1", "--sampling-rate", "0.1", "--steps", "1", "--delta",
                    "1e-5",
                ], "--target-epsilon"
            ),
            (
                [
                    "noise-multiplier", "--target-epsilon", "1", "--sampling-rate", "0.1", "--steps", "0", "--delta",
                    "1e-5",
                ], "--steps"
            ),
            (["gaussian-sigma", "--epsilon", "1", "--delta", "1e-5", "--sensitivity", "nan"], "--sensitivity"),
            (["gaussian-sigma", "--epsilon", "0", "--delta", "1e-5"], "--epsilon"),
            (["gaussian-sigma", "--epsilon", "1", "--delta", "-1e-5"], "--delta"),
            (["gaussian-sigma", "--epsilon", "1", "--delta", "1e-5", "--format", "sarif"], "--format"),
        ])
    func badArguments(arguments: [String], option: String) throws {
        let result = try CLIRunner.run(["privacy"] + arguments)
        #expect(result.status == 2, "\(arguments)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(option), "\(result.stderr)")
    }

    @Test("validate-config: a good configuration is accepted with its σ, steps and verdicts, as JSON")
    func validateConfigAccepted() throws {
        let value = try json([
            "validate-config", "--rows", "10000", "--batch-size", "500", "--epochs", "10", "--target-epsilon", "5",
            "--delta", "1e-5",
        ])
        #expect(value["verdict"] == "accepted")
        #expect(value["steps"] == 200)
        #expect(value["sampling_rate"]?.doubleValue == 0.05)
        let sigma = try #require(value["noise_multiplier"]?.doubleValue)
        let check = try CLIRunner.run([
            "privacy", "epsilon", "--sampling-rate", "0.05", "--noise-multiplier", "\(sigma)", "--steps", "200",
            "--delta", "1e-5", "--format", "json",
        ])
        let epsilon = try #require(try JSONParser().parse(check.stdout)["epsilon"]?.doubleValue)
        #expect(epsilon <= 5 && epsilon > 4.99, "charter privacy epsilon agrees: \(epsilon)")
        let severities = value["findings"]?.arrayValue?.compactMap { $0["severity"]?.stringValue }
        #expect(severities == ["good", "good", "good"])
    }

    @Test("validate-config: an unreachable target exits 1 and names the remedies and a recommendation")
    func validateConfigRefused() throws {
        let result = try CLIRunner.run([
            "privacy", "validate-config", "--rows", "2000", "--batch-size", "100", "--epochs", "100",
            "--target-epsilon", "0.05", "--delta", "1e-5",
        ])
        #expect(result.status == 1)
        #expect(result.stdout.hasPrefix("verdict: refused\n"))
        #expect(result.stdout.contains("error[noise-multiplier]: "))
        #expect(result.stdout.contains("raise the batch size, train for fewer epochs, or accept a higher epsilon"))
        #expect(result.stdout.contains("recommended: --batch-size "))
    }
}
