// The outage simulator: replays outage scenarios in virtual time against real resilience pipelines (Polly's breaker in both
// orders, Microsoft's standard handler pipeline, this library's composed retry + breaker) and prints what each one did.
//
//   dotnet run --project samples/Polly.AttemptAwareBreaker.OutageSimulator                 # table
//   dotnet run --project samples/Polly.AttemptAwareBreaker.OutageSimulator -- --json       # the same figures as JSON
//   dotnet run --project samples/Polly.AttemptAwareBreaker.OutageSimulator -- --chart outage.svg
using System.Text.Json;
using Polly.AttemptAwareBreaker.OutageSimulator;
using Spectre.Console;

var json = args.Contains("--json");
var chartIndex = Array.IndexOf(args, "--chart");
var chartPath = chartIndex >= 0 && chartIndex + 1 < args.Length ? args[chartIndex + 1] : null;
if (chartIndex >= 0 && chartPath is null)
{
    Console.Error.WriteLine("--chart needs a file name, e.g. --chart outage.svg");
    return 2;
}

var unknown = args.Where((a, i) => a.StartsWith('-') && a is not "--json" and not "--chart" && !(i > 0 && args[i - 1] == "--chart")).ToArray();
if (unknown.Length > 0)
{
    Console.Error.WriteLine($"Unknown option(s): {string.Join(' ', unknown)}. Options: --json, --chart FILE.svg");
    return 2;
}

var configurations = Configurations.All;
var steps = Scenarios.All.Length * configurations.Length;
Simulation.Results results = null!;
var progressConsole = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
progressConsole.Progress()
    .AutoClear(true)
    .Start(ctx =>
    {
        var task = ctx.AddTask("simulating", maxValue: steps);
        results = Simulation.Run(configurations, step =>
        {
            task.Description = step;
            task.Increment(1);
        });
        task.Value = steps;
    });

if (chartPath is not null)
{
    RecoveryChart.Save(results.RecoverySeries, chartPath);
    Console.Error.WriteLine($"chart written to {Path.GetFullPath(chartPath)}");
}

if (json)
{
    Console.WriteLine(JsonSerializer.Serialize(
        results.Figures.ToDictionary(c => c.Key, c => c.Value.ToDictionary(m => m.Key, m => FigureFormat.Json(m.Key, m.Value))),
        new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 200;
}

var metrics = results.Figures.Values.First().Keys.ToList();
foreach (var group in metrics.Chunk(6))
{
    var table = new Table();
    table.AddColumn(new TableColumn("configuration").NoWrap());
    foreach (var metric in group)
    {
        table.AddColumn(new TableColumn(metric).RightAligned());
    }

    foreach (var (configuration, figures) in results.Figures)
    {
        table.AddRow([configuration, .. group.Select(m => FigureFormat.Text(m, figures[m]))]);
    }

    AnsiConsole.Write(table);
}

AnsiConsole.MarkupLine("[grey]Virtual time; every figure measured in this run. Scenarios: 1 hard outage at 10 ops/s; 2-3 open circuit (60 s break), in-flight operations at the moment of opening and one new operation; "
    + "4 90 % transient failures at 100 ops/s, breakers not tripping; 5 1,000 operations answered 400; 6 100 closed-loop callers, outage healed at 20 s; "
    + "7 10 % noise at 100 req/s for 10 virtual minutes.[/]");
return 0;
