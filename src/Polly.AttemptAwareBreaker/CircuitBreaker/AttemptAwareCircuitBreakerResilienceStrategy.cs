using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;

namespace Polly.AttemptAwareBreaker.CircuitBreaker;

/// <summary>
/// The attempt-aware circuit breaker: every execution is one downstream attempt, classified once and counted once.
/// </summary>
/// <typeparam name="T">The type of result.</typeparam>
internal sealed class AttemptAwareCircuitBreakerResilienceStrategy<T> : ResilienceStrategy<T>, IDisposable
{
    private readonly BreakerCircuit<T> _circuit;
    private readonly OperationTracker _operations = new();

    public AttemptAwareCircuitBreakerResilienceStrategy(AttemptAwareCircuitBreakerStrategyOptions<T> options, StrategyBuilderContext context)
        => _circuit = new BreakerCircuit<T>(options, context.TimeProvider, context.Telemetry);

    internal BreakerController<T> Controller => _circuit.Controller;

    internal BreakerAttempt<T> Attempt => _circuit.Attempt;

    public void Dispose() => _circuit.Dispose();

    protected override ValueTask<Outcome<T>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
    {
        var operation = _operations.Get(context);
        operation.ActiveDepth++;
        var startedAt = _circuit.MeasuresDuration ? _circuit.Controller.Machine.Clock.Now : AttemptTicket.NotMeasured;
        var pending = _circuit.Attempt.ExecuteClassifiedAsync(callback, context, state, operation, startedAt);
        if (pending is { IsCompletedSuccessfully: true, Result: var done })
        {
            operation.ActiveDepth--;
            return new ValueTask<Outcome<T>>(done.Outcome);
        }

        return LeaveWhenDoneAsync(pending, operation, context);
    }

    private static async ValueTask<Outcome<T>> LeaveWhenDoneAsync(ValueTask<ClassifiedOutcome<T>> pending, OperationRecord operation, ResilienceContext context)
    {
        try
        {
            return (await pending.ConfigureAwait(context.ContinueOnCapturedContext)).Outcome;
        }
        finally
        {
            operation.ActiveDepth--;
        }
    }
}
