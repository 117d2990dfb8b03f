using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// One circuit as a strategy owns it: the state machine, the attempt runner and the bindings to the state provider and
/// manual control. Shared by the standalone breaker and the composed retry + breaker.
/// </summary>
/// <typeparam name="T">The type of result.</typeparam>
internal sealed class BreakerCircuit<T> : IDisposable
{
    private readonly IDisposable? _manualControlRegistration;
    private readonly IDisposable? _registryLease;

    public BreakerCircuit(AttemptAwareCircuitBreakerStrategyOptions<T> options, TimeProvider timeProvider, ResilienceStrategyTelemetry telemetry)
    {
        if (options.Registry is { } registry)
        {
            // A pipeline rebuilt under the same name (a configuration reload) takes over the running circuit.
            var lease = registry.Attach(telemetry, options, () => new BreakerController<T>(options, timeProvider, telemetry));
            _registryLease = lease;
            Controller = lease.Controller;
        }
        else
        {
            Controller = new BreakerController<T>(options, timeProvider, telemetry);
        }

        Attempt = new BreakerAttempt<T>(Controller, options.Classifier, telemetry);
        options.StateProvider?.Initialize(Controller);
        _manualControlRegistration = options.ManualControl?.Initialize(Controller);
    }

    public BreakerController<T> Controller { get; }

    public BreakerAttempt<T> Attempt { get; }

    public void Dispose()
    {
        _manualControlRegistration?.Dispose();
        _registryLease?.Dispose();
    }
}
