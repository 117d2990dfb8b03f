using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.Telemetry;

/// <summary>
/// The library's own instruments on the <c>Polly.AttemptAwareBreaker</c> meter. The counts are read from the registry's snapshots when a
/// collector asks, so they equal the snapshots exactly and cost nothing on the call path; the retry-budget counter comes from Polly's
/// telemetry events.
/// </summary>
/// <remarks>
/// Instruments (tags <c>polly.breaker.name</c>, <c>pipeline.name</c>, <c>pipeline.instance</c>, <c>strategy.name</c>,
/// <c>polly.attempt_aware.enforcement</c> (<c>enforcing</c> or <c>shadow</c>: a shadow breaker's state is what it would do), and
/// <c>polly.outcome.class</c> on the outcome counts):
/// <list type="bullet">
/// <item><description><c>polly.attempt_aware.circuit.state</c> — gauge: 0 closed, 1 open, 2 half-open, 3 isolated.</description></item>
/// <item><description><c>polly.attempt_aware.circuit.open_scope</c> — gauge: 0 closed, 1 open on this instance only, 2 open for every
/// instance sharing the circuit (<see cref="CircuitSnapshot.OpenScope"/>).</description></item>
/// <item><description><c>polly.attempt_aware.fleet.failing_instances</c> — gauge, shared circuits only: the instances failing on their own
/// attempts when the rules last judged the circuit (<see cref="FleetQuorum.FailingInstances"/>; tag <c>polly.fleet.quorum</c>: the
/// minimum for a fleet-wide opening).</description></item>
/// <item><description><c>polly.attempt_aware.attempts</c> — counter of downstream attempts by outcome class.</description></item>
/// <item><description><c>polly.attempt_aware.operations</c> — counter of caller operations by the class of their last attempt.</description></item>
/// <item><description><c>polly.attempt_aware.rejections</c> — counter of calls the circuit rejected.</description></item>
/// <item><description><c>polly.attempt_aware.half_open.probes</c> — counter of half-open probes admitted.</description></item>
/// <item><description><c>polly.attempt_aware.slow_attempts</c> — counter of attempts that took at least the slow threshold.</description></item>
/// <item><description><c>polly.attempt_aware.retry.budget_exhausted</c> — counter of retries the retry budget suppressed.</description></item>
/// </list>
/// </remarks>
public sealed class AttemptAwareBreakerMetrics : IDisposable
{
    /// <summary>The name of the meter.</summary>
    public const string MeterName = "Polly.AttemptAwareBreaker";

    private static readonly string[] ClassTags = ["success", "transient_failure", "permanent_failure", "ignored"];

    private readonly Meter _meter;
    private readonly AttemptAwareCircuitBreakerRegistry _registry;
    private readonly Counter<long> _budgetExhausted;

    /// <summary>
    /// Initializes a new instance of the <see cref="AttemptAwareBreakerMetrics"/> class.
    /// </summary>
    /// <param name="registry">The registry whose breakers are measured.</param>
    /// <param name="meterFactory">The factory that creates the meter (so the host's metrics pipeline sees it).</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public AttemptAwareBreakerMetrics(AttemptAwareCircuitBreakerRegistry registry, IMeterFactory meterFactory)
    {
        _registry = Guard.NotNull(registry);
        _meter = Guard.NotNull(meterFactory).Create(MeterName);

        _meter.CreateObservableGauge("polly.attempt_aware.circuit.state", () => Measure(b => StateValue(b.Snapshot.State)), unit: "{state}",
            description: "State of the circuit: 0 closed, 1 open, 2 half-open, 3 isolated.");
        _meter.CreateObservableGauge("polly.attempt_aware.circuit.open_scope", () => Measure(b => (int)b.Snapshot.OpenScope), unit: "{scope}",
            description: "Scope of an open circuit: 0 closed, 1 open on this instance only, 2 open for every instance sharing it.");
        _meter.CreateObservableGauge("polly.attempt_aware.fleet.failing_instances", MeasureFailingInstances, unit: "{instance}",
            description: "Instances sharing the circuit that fail on their own attempts, as this instance last judged them.");
        _meter.CreateObservableCounter("polly.attempt_aware.attempts", () => MeasureByClass(b => b.Snapshot.TotalAttempts), unit: "{attempt}",
            description: "Downstream attempts through the breaker, by outcome class.");
        _meter.CreateObservableCounter("polly.attempt_aware.operations", () => MeasureByClass(b => b.Snapshot.TotalOperations), unit: "{operation}",
            description: "Caller operations through the breaker, by the outcome class of their last attempt.");
        _meter.CreateObservableCounter("polly.attempt_aware.rejections", () => Measure(b => b.Snapshot.TotalRejections), unit: "{call}",
            description: "Calls the circuit rejected without reaching the downstream.");
        _meter.CreateObservableCounter("polly.attempt_aware.half_open.probes", () => Measure(b => b.Snapshot.TotalProbesAdmitted), unit: "{probe}",
            description: "Half-open probes admitted.");
        _meter.CreateObservableCounter("polly.attempt_aware.slow_attempts", () => Measure(b => b.Snapshot.TotalSlowAttempts), unit: "{attempt}",
            description: "Downstream attempts that took at least the slow threshold (their outcome class is counted in the attempts).");
        _budgetExhausted = _meter.CreateCounter<long>("polly.attempt_aware.retry.budget_exhausted", unit: "{retry}",
            description: "Retries the retry budget suppressed.");
        Listener = new BudgetListener(this);
    }

    /// <summary>
    /// Gets the listener that counts retry-budget events; the dependency-injection helpers add it to Polly's <see cref="TelemetryOptions"/>.
    /// </summary>
    public TelemetryListener Listener { get; }

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    private static int StateValue(CircuitState state) => state switch
    {
        CircuitState.Closed => 0,
        CircuitState.Open => 1,
        CircuitState.HalfOpen => 2,
        _ => 3,
    };

    private static KeyValuePair<string, object?>[] Tags(AttemptAwareCircuitBreakerInfo breaker) =>
    [
        new("polly.breaker.name", breaker.Name),
        new("pipeline.name", breaker.PipelineName),
        new("pipeline.instance", breaker.PipelineInstanceName),
        new("strategy.name", breaker.StrategyName),
        new("polly.attempt_aware.enforcement", breaker.Snapshot.Enforcement == CircuitBreakerEnforcement.Shadow ? "shadow" : "enforcing"),
    ];

    private IEnumerable<Measurement<long>> Measure(Func<AttemptAwareCircuitBreakerInfo, long> value)
        => _registry.GetBreakers().Select(b => new Measurement<long>(value(b), Tags(b)));

    private IEnumerable<Measurement<int>> Measure(Func<AttemptAwareCircuitBreakerInfo, int> value)
        => _registry.GetBreakers().Select(b => new Measurement<int>(value(b), Tags(b)));

    private IEnumerable<Measurement<int>> MeasureFailingInstances()
        => _registry.GetBreakers()
            .Where(b => b.Snapshot.FleetQuorum is not null)
            .Select(b => new Measurement<int>(
                b.Snapshot.FleetQuorum!.FailingInstances, [.. Tags(b), new("polly.fleet.quorum", b.Snapshot.FleetQuorum.MinimumFailingInstances)]));

    private IEnumerable<Measurement<long>> MeasureByClass(Func<AttemptAwareCircuitBreakerInfo, OutcomeCounts> counts)
    {
        foreach (var breaker in _registry.GetBreakers())
        {
            var values = counts(breaker);
            var tags = Tags(breaker);
            for (var i = 0; i < ClassTags.Length; i++)
            {
                yield return new Measurement<long>(values[(OutcomeClass)i], [.. tags, new("polly.outcome.class", ClassTags[i])]);
            }
        }
    }

    private sealed class BudgetListener(AttemptAwareBreakerMetrics metrics) : TelemetryListener
    {
        public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
        {
            if (args.Event.EventName == BreakerTelemetry.OnRetryBudgetExhausted)
            {
                metrics._budgetExhausted.Add(
                    1,
                    new KeyValuePair<string, object?>("pipeline.name", args.Source.PipelineName),
                    new KeyValuePair<string, object?>("pipeline.instance", args.Source.PipelineInstanceName),
                    new KeyValuePair<string, object?>("strategy.name", args.Source.StrategyName));
            }
        }
    }
}
