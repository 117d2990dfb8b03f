using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>A breaker's name, <c>pipeline/instance/strategy</c>, from the names Polly's telemetry reports for it.</summary>
internal static class BreakerNames
{
    public static ResilienceTelemetrySource SourceOf(ResilienceStrategyTelemetry telemetry)
    {
        // The telemetry object does not expose its source directly; it stamps it on rejection exceptions.
        var stamp = new BrokenCircuitException();
        telemetry.SetTelemetrySource(stamp);
        return stamp.TelemetrySource ?? new ResilienceTelemetrySource(null, null, null);
    }

    public static string NameOf(ResilienceTelemetrySource source)
        => string.Join("/", new[] { source.PipelineName, source.PipelineInstanceName, source.StrategyName }.Where(p => !string.IsNullOrEmpty(p)));
}
