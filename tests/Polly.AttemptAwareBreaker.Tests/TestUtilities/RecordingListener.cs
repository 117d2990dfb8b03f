using System.Collections.Concurrent;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.Tests.TestUtilities;

/// <summary>Records the telemetry events a pipeline reports.</summary>
internal sealed class RecordingListener : TelemetryListener
{
    public ConcurrentQueue<(string Name, object? Arguments, Exception? Exception)> Events { get; } = new();

    public IEnumerable<string> Names => Events.Select(e => e.Name);

    public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
    {
        // Only events reported by strategies; the pipeline's own executing/executed events are not under test.
        if (args.Source.StrategyName is not null)
        {
            Events.Enqueue((args.Event.EventName, args.Arguments, args.Outcome?.Exception));
        }
    }
}
