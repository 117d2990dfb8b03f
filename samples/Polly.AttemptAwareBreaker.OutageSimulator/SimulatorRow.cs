namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// One row of the simulator's table: a configuration's name and how it puts its pipeline on a builder. Every scenario runs every row,
/// each time on a fresh builder (fake clock, telemetry) in front of a fresh simulated downstream.
/// </summary>
/// <param name="Name">The row's name in the table and in <c>--json</c>.</param>
/// <param name="Apply">Adds the row's strategies to the builder for a scenario's settings and returns what the scenario needs to watch the circuit.</param>
internal sealed record SimulatorRow(string Name, Func<ResiliencePipelineBuilder<HttpResponseMessage>, Configurations.Settings, RowPipeline> Apply)
{
    public override string ToString() => Name;
}
