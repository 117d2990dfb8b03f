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

        if (options.SharedState is { } sharedState && Controller.Machine.Fleet is null)
        {
            var source = BreakerNames.SourceOf(telemetry);
            if (string.IsNullOrEmpty(source.PipelineName))
            {
                throw new InvalidOperationException(
                    "A circuit breaker with shared state needs a name that is the same in every process: give the pipeline a name " +
                    "(ResiliencePipelineBuilder.Name, or the key of AddResiliencePipeline / the HttpClient's name).");
            }

            Controller.ShareThrough(sharedState, BreakerNames.NameOf(source));
        }

        MeasuresDuration = options.SlowAttemptThreshold is not null || IgnoresDurationAttribute.MayRead(options.Classifier);
        Attempt = new BreakerAttempt<T>(Controller, options.Classifier, options.RequestedBreakGenerator, telemetry);
        options.StateProvider?.Initialize(Controller);
        _manualControlRegistration = options.ManualControl?.Initialize(Controller);
    }

    public BreakerController<T> Controller { get; }

    public BreakerAttempt<T> Attempt { get; }

    /// <summary>
    /// Gets a value indicating whether attempts' durations are read (by the slow-attempt rule or a classifier of the user's), so an attempt's
    /// start must be measured.
    /// </summary>
    public bool MeasuresDuration { get; }

    public void Dispose()
    {
        _manualControlRegistration?.Dispose();
        if (_registryLease is null)
        {
            Controller.DetachShared();
        }
        else
        {
            // The registry detaches the shared state when the last pipeline using this circuit goes.
            _registryLease.Dispose();
        }
    }
}
