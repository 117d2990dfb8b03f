namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>The simulator's options.</summary>
/// <param name="Json">Print the figures as JSON instead of tables.</param>
/// <param name="ChartPath">Where to write the recovery chart (SVG), if anywhere.</param>
/// <param name="OverloadChartPath">Where to write the overload chart (SVG), if anywhere.</param>
/// <param name="ConfigPath">A JSON configuration file whose <paramref name="Section"/> holds options of the attempt-aware HTTP handler.</param>
/// <param name="Section">The section of <paramref name="ConfigPath"/>, as a configuration path such as <c>Inventory:Resilience</c>.</param>
internal sealed record CommandLine(bool Json, string? ChartPath, string? OverloadChartPath, string? ConfigPath, string? Section)
{
    private const string Usage = "Options: --json, --chart FILE.svg, --overload-chart FILE.svg, --config FILE.json --section SECTION:PATH";

    /// <summary>Parses the arguments; throws <see cref="SimulatorInputException"/> naming the first problem.</summary>
    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        var json = false;
        string? chart = null, overloadChart = null, config = null, section = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--json":
                    json = true;
                    break;
                case "--chart":
                    chart = ValueOf(args, ref i, "--chart needs a file name, e.g. --chart outage.svg");
                    break;
                case "--overload-chart":
                    overloadChart = ValueOf(args, ref i, "--overload-chart needs a file name, e.g. --overload-chart overload.svg");
                    break;
                case "--config":
                    config = ValueOf(args, ref i, "--config needs the path of a JSON configuration file, e.g. --config appsettings.json");
                    break;
                case "--section":
                    section = ValueOf(args, ref i, "--section needs the configuration path of the handler's options, e.g. --section Inventory:Resilience");
                    break;
                default:
                    throw new SimulatorInputException($"Unknown option: {args[i]}. {Usage}");
            }
        }

        if (config is not null && section is null)
        {
            throw new SimulatorInputException("--config needs --section, the configuration path of the handler's options in the file, e.g. --section Inventory:Resilience");
        }

        if (section is not null && config is null)
        {
            throw new SimulatorInputException("--section needs --config, the JSON configuration file that holds the section, e.g. --config appsettings.json");
        }

        return new CommandLine(json, chart, overloadChart, config, section);
    }

    private static string ValueOf(IReadOnlyList<string> args, ref int i, string missing)
    {
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal) || args[i + 1].Length == 0)
        {
            throw new SimulatorInputException(missing);
        }

        return args[++i];
    }
}
