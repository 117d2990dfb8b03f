using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.CircuitBreaker;

/// <summary>
/// The attempt-aware circuit breaker: every execution is one downstream attempt, classified once and counted once.
/// </summary>
/// <typeparam name="T">The type of result.</typeparam>
internal sealed class AttemptAwareCircuitBreakerResilienceStrategy<T> : ResilienceStrategy<T>, IDisposable
{
    private readonly BreakerController<T> _controller;
    private readonly BreakerAttempt<T> _attempt;
    private readonly OperationTracker _operations = new();
    private readonly IDisposable? _manualControlRegistration;

    public AttemptAwareCircuitBreakerResilienceStrategy(AttemptAwareCircuitBreakerStrategyOptions<T> options, StrategyBuilderContext context)
    {
        _controller = new BreakerController<T>(options, context.TimeProvider, context.Telemetry);
        _attempt = new BreakerAttempt<T>(_controller, options.Classifier, context.Telemetry);
        options.StateProvider?.Initialize(_controller);
        _manualControlRegistration = options.ManualControl?.Initialize(_controller);
    }

    internal BreakerController<T> Controller => _controller;

    public void Dispose() => _manualControlRegistration?.Dispose();

    protected override ValueTask<Outcome<T>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
    {
        var operation = _operations.Get(context);
        operation.ActiveDepth++;
        var pending = _attempt.ExecuteAsync(callback, context, state, operation);
        if (pending.IsCompleted)
        {
            operation.ActiveDepth--;
            return pending;
        }

        return LeaveWhenDoneAsync(pending, operation, context);
    }

    private static async ValueTask<Outcome<T>> LeaveWhenDoneAsync(ValueTask<Outcome<T>> pending, OperationRecord operation, ResilienceContext context)
    {
        try
        {
            return await pending.ConfigureAwait(context.ContinueOnCapturedContext);
        }
        finally
        {
            operation.ActiveDepth--;
        }
    }
}
