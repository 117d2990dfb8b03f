using Polly.AttemptAwareBreaker.SharedState;
using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// One circuit as the registry keeps it across reloads: the state machine, the events of its result type and its fleet link, with
/// the manual commands that act on all three.
/// </summary>
/// <typeparam name="T">The type of result.</typeparam>
internal sealed class BreakerController<T> : IBreakerControl
{
    public BreakerController(AttemptAwareCircuitBreakerStrategyOptions<T> options, TimeProvider timeProvider, ResilienceStrategyTelemetry telemetry)
    {
        Machine = new CircuitStateMachine(BreakerSettings.From(options), timeProvider, telemetry);
        Events = new CircuitEvents<T>(Machine, telemetry, options);
    }

    public CircuitStateMachine Machine { get; }

    public CircuitEvents<T> Events { get; }

    public CircuitState State => Machine.State;

    /// <summary>Applies reloaded options without losing the circuit's state, counts or probes in flight.</summary>
    /// <param name="options">The new options.</param>
    public void Reconfigure(AttemptAwareCircuitBreakerStrategyOptions<T> options)
    {
        Machine.Reconfigure(BreakerSettings.From(options));
        Events.Reconfigure(options);
    }

    /// <summary>Links the circuit to the shared state <paramref name="factory"/> creates.</summary>
    /// <param name="factory">The shared state's factory.</param>
    /// <param name="name">The breaker's name, the same in every process.</param>
    public void ShareThrough(ISharedCircuitStateFactory factory, string name) => FleetLink.Connect(Machine, Events, factory, name);

    public CircuitSnapshot GetSnapshot() => Machine.GetSnapshot();

    public ValueTask IsolateAsync(ResilienceContext context) => Events.RaiseAsync(Machine.IsolateManually(), context, default);

    public ValueTask CloseAsync(ResilienceContext context) => Events.RaiseAsync(Machine.CloseManually(), context, default);

    public void IsolateSilently() => Machine.IsolateManually().WakeWaiters();

    public void DetachShared() => Machine.Fleet?.Dispose();
}
