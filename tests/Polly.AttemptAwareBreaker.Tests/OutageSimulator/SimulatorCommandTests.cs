using System.Text.Json;
using Polly.AttemptAwareBreaker.OutageSimulator;

namespace Polly.AttemptAwareBreaker.Tests.OutageSimulator;

/// <summary>
/// The simulator's command with <c>--config FILE --section PATH</c>: a good section adds a <c>from-config</c> row beside the anchors; a
/// missing file, a missing section or a bad value prints one line naming it and what is allowed, and exits with code 2. Output goes to
/// writers that are not a terminal, as when redirected, so no progress is shown.
/// </summary>
public sealed class SimulatorCommandTests : IDisposable
{
    private const string Section = "Inventory:Resilience";
    private readonly string _directory = Directory.CreateTempSubdirectory("simulator-config-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Run_GoodConfigurationFile_PrintsAFromConfigRowBesideTheAnchorsWithTheSameMetrics()
    {
        var file = Write("""{ "Inventory": { "Resilience": { "CircuitBreaker": { "ConsecutiveFailureThreshold": 3 } } } }""");

        var (exitCode, output, error) = Run([Configurations.AttemptAwareStandardHandler], "--config", file, "--section", Section, "--json");

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        var rows = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, JsonElement>>>(output)!;
        Assert.Equal(["attempt-aware-standard-handler", "from-config"], rows.Keys);
        Assert.Equal(rows["attempt-aware-standard-handler"].Keys, rows["from-config"].Keys);
        Assert.Equal(3, rows["from-config"]["downstreamCallsBeforeOpen"].GetInt32());
    }

    [Fact]
    public void Run_EmptySection_FromConfigRowHasTheFiguresOfTheHandlerDefaultsRow()
    {
        var file = Write("""{ "Inventory": { "Resilience": { } } }""");

        var (exitCode, output, _) = Run([Configurations.AttemptAwareStandardHandler], "--config", file, "--section", Section, "--json");

        Assert.Equal(0, exitCode);
        var rows = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, JsonElement>>>(output)!;
        Assert.Equal(
            rows["attempt-aware-standard-handler"].Select(m => (m.Key, m.Value.ToString())),
            rows["from-config"].Select(m => (m.Key, m.Value.ToString())));
    }

    [Fact]
    public void Run_SampleConfigurationFile_FromConfigRowFollowsItsThresholds()
    {
        var sample = Path.Combine(AppContext.BaseDirectory, "sample-appsettings.json");

        var (exitCode, output, _) = Run([], "--config", sample, "--section", Section, "--json");

        Assert.Equal(0, exitCode);
        var row = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, JsonElement>>>(output)!["from-config"];
        Assert.Equal(5, row["downstreamCallsBeforeOpen"].GetInt32()); // CircuitBreaker:ConsecutiveFailureThreshold
        Assert.Equal(2, row["halfOpenProbesAdmitted"].GetInt32()); // CircuitBreaker:HalfOpenMaxProbes
    }

    [Fact]
    public void Run_GoodConfigurationFileAsTables_FromConfigRowIsInEveryTable()
    {
        var file = Write("""{ "Inventory": { "Resilience": { "Retry": { "MaxRetryAttempts": 1 } } } }""");

        var (exitCode, output, error) = Run([Configurations.AttemptAware], "--config", file, "--section", Section);

        Assert.Equal(0, exitCode);
        Assert.Equal(string.Empty, error);
        var lines = output.Split('\n');
        var tables = lines.Count(line => line.Contains("│ configuration ", StringComparison.Ordinal));
        Assert.True(tables > 1);
        Assert.Equal(tables, lines.Count(line => line.Contains("│ from-config ", StringComparison.Ordinal)));
        Assert.Contains($"from-config: the options of AddAttemptAwareResilienceHandler bound from {Section} in {file}.", output, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadSections => new()
    {
        {
            """{ "Inventory": { "Resilience": { "CircuitBreaker": { "FailureRatio": 2 } } } }""",
            "Inventory:Resilience:CircuitBreaker:FailureRatio is 2; the allowed range is 0 to 1 (inclusive)."
        },
        {
            """{ "Inventory": { "Resilience": { "AttemptTimeout": { "Timeout": "00:01:00" }, "CircuitBreaker": { "SamplingDuration": "00:05:00" } } } }""",
            "Inventory:Resilience:AttemptTimeout:Timeout is 60 s; it must not exceed Inventory:Resilience:TotalRequestTimeout:Timeout (30 s), or the total timeout would cut the first attempt short."
        },
        {
            """{ "Inventory": { "Resilience": { "Retry": { "MaxRetryAttemps": 2 } } } }""",
            "Inventory:Resilience:Retry:MaxRetryAttemps is not a setting; the settings under Inventory:Resilience:Retry are BackoffType, Delay, MaxDelay, MaxRetryAttempts, RetryBudget, ShouldRetryAfterHeader, UseJitter."
        },
        {
            """{ "Inventory": { "Resilience": { "Retry": { "BackoffType": "Quadratic" } } } }""",
            "Inventory:Resilience:Retry:BackoffType is 'Quadratic'; it must be one of Constant, Linear, Exponential."
        },
        {
            """{ "Inventory": { "Resilience": { "CircuitBreaker": { "MinimumThroughput": 1, "HalfOpenMaxProbes": 0 } } } }""",
            "Inventory:Resilience:CircuitBreaker:MinimumThroughput is 1; the allowed range is 2 to int.MaxValue (inclusive). "
            + "Inventory:Resilience:CircuitBreaker:HalfOpenMaxProbes is 0; the allowed range is 1 to 1000 (inclusive)."
        },
    };

    [Theory]
    [MemberData(nameof(BadSections))]
    public void Run_BadValueInTheSection_OneLineNamingTheKeyAndWhatIsAllowedAndExitCode2(string json, string expected)
    {
        var file = Write(json);

        var (exitCode, output, error) = Run([Configurations.AttemptAware], "--config", file, "--section", Section);

        Assert.Equal(SimulatorCommand.BadInput, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Equal(expected + Environment.NewLine, error);
    }

    [Fact]
    public void Run_MissingFile_OneLineNamingTheFileAndExitCode2()
    {
        var file = Path.Combine(_directory, "appsettings.json");

        var (exitCode, output, error) = Run([Configurations.AttemptAware], "--config", file, "--section", Section);

        Assert.Equal(SimulatorCommand.BadInput, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"--config {file}: there is no file {file}; give the path of a JSON configuration file such as appsettings.json.{Environment.NewLine}", error);
    }

    [Theory]
    [InlineData("Inventory:Resilence", "the keys under Inventory are BaseAddress, Resilience.")]
    [InlineData("Orders:Resilience", "the file's top-level keys are Inventory.")]
    public void Run_MissingSection_OneLineNamingTheSectionAndTheSectionsThereAreAndExitCode2(string section, string there)
    {
        var file = Write("""{ "Inventory": { "Resilience": { }, "BaseAddress": "https://inventory" } }""");

        var (exitCode, output, error) = Run([Configurations.AttemptAware], "--config", file, "--section", section);

        Assert.Equal(SimulatorCommand.BadInput, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"--section {section}: {file} has no such section; {there}{Environment.NewLine}", error);
    }

    [Fact]
    public void Run_SectionIsAValue_OneLineAndExitCode2()
    {
        var file = Write("""{ "Inventory": { "Resilience": "on" } }""");

        var (exitCode, _, error) = Run([Configurations.AttemptAware], "--config", file, "--section", Section);

        Assert.Equal(SimulatorCommand.BadInput, exitCode);
        Assert.Equal($"--section {Section}: in {file} it is a value ('on'), not a section holding the handler's options.{Environment.NewLine}", error);
    }

    [Fact]
    public void Run_FileIsNotJson_OneLineNamingTheFileAndExitCode2()
    {
        var file = Write("""{ "Inventory": { "Resilience": { "Retry": { """);

        var (exitCode, output, error) = Run([Configurations.AttemptAware], "--config", file, "--section", Section);

        Assert.Equal(SimulatorCommand.BadInput, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith($"--config {file}: the file is not a JSON configuration file: ", error, StringComparison.Ordinal);
        Assert.Single(error.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("--config needs --section, the configuration path of the handler's options in the file, e.g. --section Inventory:Resilience", "--config", "appsettings.json")]
    [InlineData("--section needs --config, the JSON configuration file that holds the section, e.g. --config appsettings.json", "--section", Section)]
    [InlineData("--section needs the configuration path of the handler's options, e.g. --section Inventory:Resilience", "--config", "appsettings.json", "--section")]
    [InlineData("Unknown option: --confg. Options: --json, --chart FILE.svg, --overload-chart FILE.svg, --config FILE.json --section SECTION:PATH", "--confg", "appsettings.json")]
    [InlineData("--overload-chart needs a file name, e.g. --overload-chart overload.svg", "--overload-chart")]
    public void Run_IncompleteOrUnknownOption_OneLineAndExitCode2(string expected, params string[] args)
    {
        var (exitCode, output, error) = Run([Configurations.AttemptAware], args);

        Assert.Equal(SimulatorCommand.BadInput, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Equal(expected + Environment.NewLine, error);
    }

    private static (int ExitCode, string Output, string Error) Run(SimulatorRow[] anchors, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = SimulatorCommand.Run(args, new SimulatorConsole(output, error, OutIsTerminal: false, ErrorIsTerminal: false), anchors);

        return (exitCode, output.ToString(), error.ToString());
    }

    private string Write(string json)
    {
        var path = Path.Combine(_directory, $"{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
