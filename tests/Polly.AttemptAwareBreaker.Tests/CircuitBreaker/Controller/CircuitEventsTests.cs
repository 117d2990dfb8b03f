using System.Collections.Concurrent;
using Polly.AttemptAwareBreaker.Tests.SharedState;
using Polly.AttemptAwareBreaker.Tests.TestUtilities;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.Tests.CircuitBreaker.Controller;

/// <summary>
/// The events of state changes: only real changes raise them, the registry hears the enforcement mode, and the scope of an opening
/// in a shared circuit is reported with its severity.
/// </summary>
public class CircuitEventsTests
{
    private static readonly InstanceHealth Healthy = new(20, 0, 0, 0);
    private static readonly InstanceHealth Sick = new(0, 20, 0, 20);

    private readonly FakeTimeProvider _time = new();
    private readonly FakeSharedState _shared = new() { ProbeAnswer = 0 };
    private readonly SeverityListener _listener = new();

    [Fact]
    public async Task Execute_SecondProbeOfASharedCircuit_RaisesNoSecondHalfOpening()
    {
        var halfOpenings = 0;
        var options = Breakers.Consecutive(1);
        options.HalfOpenMaxProbes = 2;
        options.OnHalfOpened = _ =>
        {
            halfOpenings++;
            return default;
        };
        var pipeline = Build(options);
        await pipeline.RunAsync(Downstream.AlwaysFailing());
        _time.Advance(Breakers.Break);
        var answer = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = pipeline.RunAsync(new Downstream { Behaviour = _ => new(answer.Task) });
        var downstream = new Downstream();

        await pipeline.RunAsync(downstream);
        answer.SetResult(200);
        await first;

        Assert.Equal(1, downstream.Calls);
        Assert.Equal(1, halfOpenings);
    }

    [Fact]
    public async Task StateChanged_EnforcingBreakerOpens_ReportsEnforcing()
    {
        var registry = new AttemptAwareCircuitBreakerRegistry();
        var changes = new List<CircuitStateChange>();
        registry.StateChanged += (_, change) => changes.Add(change);
        var options = Breakers.Consecutive(1);
        options.Registry = registry;
        var pipeline = Breakers.Build(options, _time);

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(CircuitBreakerEnforcement.Enforcing, Assert.Single(changes).Enforcement);
    }

    [Fact]
    public void ReportOpeningScope_FleetWideOpening_IsInformation()
    {
        var options = Breakers.Consecutive(1);
        options.FailureRatio = 0.5;
        options.MinimumThroughput = 10;
        Build(options);
        _shared.Host.MinimumFailingInstances = 1;

        _shared.Host.ApplyFleetHealth([Sick, Healthy]);

        Assert.Equal(ResilienceEventSeverity.Information, _listener.SeverityOf(BreakerTelemetry.OnCircuitOpenedFleetWide));
    }

    [Fact]
    public async Task ReportOpeningScope_LocalOpening_IsWarning()
    {
        var pipeline = Build(Breakers.Consecutive(1));
        _shared.Host.MinimumFailingInstances = 2;

        await pipeline.RunAsync(Downstream.AlwaysFailing());

        Assert.Equal(ResilienceEventSeverity.Warning, _listener.SeverityOf(BreakerTelemetry.OnCircuitOpenedLocally));
    }

    private ResiliencePipeline<int> Build(AttemptAwareCircuitBreakerStrategyOptions<int> options)
    {
        options.SharedState = _shared;
        return new ResiliencePipelineBuilder<int> { Name = "orders", TimeProvider = _time, TelemetryListener = _listener }
            .AddAttemptAwareCircuitBreaker(options)
            .Build();
    }

    /// <summary>Records the severity of each event the breaker reports.</summary>
    private sealed class SeverityListener : TelemetryListener
    {
        private readonly ConcurrentQueue<(string Name, ResilienceEventSeverity Severity)> _events = new();

        public ResilienceEventSeverity SeverityOf(string name) => Assert.Single(_events, e => e.Name == name).Severity;

        public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
        {
            if (args.Source.StrategyName is not null)
            {
                _events.Enqueue((args.Event.EventName, args.Event.Severity));
            }
        }
    }
}
