using System.Text.Json;
using Spectre.Console;

namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// The simulator's command: parses the options, adds the <c>from-config</c> row when a configuration file is given, runs every scenario
/// on every row and prints the figures (tables, or JSON with <c>--json</c>). Bad input: one line on the error stream, exit code 2.
/// </summary>
internal static class SimulatorCommand
{
    public const int BadInput = 2;

    public static int Run(IReadOnlyList<string> args, SimulatorConsole console, IReadOnlyList<SimulatorRow> anchors)
    {
        CommandLine options;
        var rows = anchors.ToList();
        try
        {
            options = CommandLine.Parse(args);
            if (options.ConfigPath is { } path)
            {
                rows.Add(FromConfigRow.Load(path, options.Section!));
            }
        }
        catch (SimulatorInputException ex)
        {
            console.Error.WriteLine(ex.Message);
            return BadInput;
        }

        var results = Simulate(rows, console);
        if (options.ChartPath is { } chartPath)
        {
            RecoveryChart.Save(results.Series[Scenarios.RecoverySeries], chartPath);
            console.Error.WriteLine($"chart written to {Path.GetFullPath(chartPath)}");
        }

        if (options.OverloadChartPath is { } overloadChartPath)
        {
            OverloadChart.Save(results.Series[PartialFailureScenarios.OverloadAttemptsSeries], results.Series[PartialFailureScenarios.OverloadGoodputSeries], overloadChartPath);
            console.Error.WriteLine($"chart written to {Path.GetFullPath(overloadChartPath)}");
        }

        if (options.Json)
        {
            console.Out.WriteLine(JsonSerializer.Serialize(
                results.Figures.ToDictionary(c => c.Key, c => c.Value.ToDictionary(m => m.Key, m => FigureFormat.Json(m.Key, m.Value))),
                new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }

        WriteTables(results, console, options);
        return 0;
    }

    /// <summary>Runs the scenarios, with a progress bar on the error stream when both streams are a terminal.</summary>
    private static Simulation.Results Simulate(IReadOnlyList<SimulatorRow> rows, SimulatorConsole console)
    {
        if (!console.OutIsTerminal || !console.ErrorIsTerminal)
        {
            return Simulation.Run(rows);
        }

        Simulation.Results results = null!;
        var steps = Simulation.Steps(rows);
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) })
            .Progress()
            .AutoClear(true)
            .Start(ctx =>
            {
                var task = ctx.AddTask("simulating", maxValue: steps);
                results = Simulation.Run(rows, step =>
                {
                    task.Description = Markup.Escape(step);
                    task.Increment(1);
                });
                task.Value = steps;
            });
        return results;
    }

    /// <summary>Puts the metrics into tables of at most six columns, a scenario's metrics always in one table, in the scenarios' order.</summary>
    private static List<List<string>> Tables(IReadOnlyList<IReadOnlyList<string>> metricsByScenario)
    {
        const int Columns = 6;
        var tables = new List<List<string>> { new() };
        foreach (var metrics in metricsByScenario)
        {
            if (tables[^1].Count > 0 && tables[^1].Count + metrics.Count > Columns)
            {
                tables.Add([]);
            }

            tables[^1].AddRange(metrics);
        }

        return tables;
    }

    private static void WriteTables(Simulation.Results results, SimulatorConsole console, CommandLine options)
    {
        var output = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(console.Out),
            Ansi = console.OutIsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = console.OutIsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = console.OutIsTerminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!console.OutIsTerminal)
        {
            output.Profile.Width = 200; // wide enough that no metric name is cut
        }

        foreach (var group in Tables(results.MetricsByScenario))
        {
            var table = new Table();
            table.AddColumn(new TableColumn("configuration").NoWrap());
            foreach (var metric in group)
            {
                table.AddColumn(new TableColumn(metric).RightAligned());
            }

            foreach (var (row, figures) in results.Figures)
            {
                table.AddRow([Markup.Escape(row), .. group.Select(m => FigureFormat.Text(m, figures[m]))]);
            }

            output.Write(table);
        }

        output.MarkupLine($"[grey]{Markup.Escape(Scenarios.Legend)}[/]");
        if (options.ConfigPath is { } path)
        {
            output.MarkupLine($"[grey]{FromConfigRow.Name}: {Markup.Escape($"the options of AddAttemptAwareResilienceHandler bound from {options.Section} in {path}.")}[/]");
        }
    }
}
