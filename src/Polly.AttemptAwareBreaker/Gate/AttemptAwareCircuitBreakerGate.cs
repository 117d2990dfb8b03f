using System.ComponentModel.DataAnnotations;
using Polly.AttemptAwareBreaker.CircuitBreaker;
using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The attempt-aware circuit breaker without a pipeline: acquire a permit for one attempt, make the attempt, report its
/// outcome on the permit. For message consumers and hand-written loops. Same state machine, options and telemetry as the strategy.
/// </summary>
/// <example>
/// <code>
/// var permit = await gate.TryAcquireAsync();
/// if (permit.IsGranted)
/// {
///     var outcome = await HandleAsync(message);
///     await permit.ReportAsync(outcome.IsOk ? OutcomeClass.Success : OutcomeClass.TransientFailure);
/// }
/// else
/// {
///     await RequeueAsync(message, permit.Rejection!);
/// }
/// </code>
/// </example>
public sealed class AttemptAwareCircuitBreakerGate : IDisposable
{
    private readonly AttemptAwareCircuitBreakerResilienceStrategy<object> _strategy;
    private readonly BreakerController<object> _controller;
    private readonly OperationTracker _operations = new();

    /// <summary>
    /// Initializes a new instance of the <see cref="AttemptAwareCircuitBreakerGate"/> class.
    /// </summary>
    /// <param name="options">The breaker options; <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.Classifier"/> is not used by the gate,
    /// which is told the class of every outcome.</param>
    /// <param name="timeProvider">The time provider; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException">Thrown when <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ValidationException">Thrown when <paramref name="options"/> are invalid.</exception>
    public AttemptAwareCircuitBreakerGate(AttemptAwareCircuitBreakerStrategyOptions options, TimeProvider? timeProvider = null)
    {
        Guard.NotNull(options);

        AttemptAwareCircuitBreakerResilienceStrategy<object>? strategy = null;
        var builder = new ResiliencePipelineBuilder { Name = options.Name, TimeProvider = timeProvider ?? TimeProvider.System };
#pragma warning disable IL2026 // Options validation reads only the public properties of the options type, which are preserved.
        builder.AddStrategy(context => strategy = new AttemptAwareCircuitBreakerResilienceStrategy<object>(options, context), options);
#pragma warning restore IL2026
        _ = builder.Build();
        _strategy = strategy!;
        _controller = strategy!.Controller;
    }

    /// <summary>
    /// Gets the state of the circuit.
    /// </summary>
    public CircuitState State => _controller.State;

    /// <summary>
    /// Takes a consistent snapshot of the circuit's state and statistics.
    /// </summary>
    /// <returns>The snapshot.</returns>
    public CircuitSnapshot GetSnapshot() => _controller.GetSnapshot();

    /// <summary>
    /// Asks for permission to make one attempt. Never throws for a rejection: a refused permit carries it in <see cref="BreakerPermit.Rejection"/>.
    /// </summary>
    /// <param name="context">The context of the operation: attempts made with the same context (until it is returned to its pool)
    /// are attempts of one operation. <see langword="null"/> for a single-attempt operation.</param>
    /// <returns>The permit; check <see cref="BreakerPermit.IsGranted"/>.</returns>
    public ValueTask<BreakerPermit> TryAcquireAsync(ResilienceContext? context = null)
    {
        var operation = context is null ? null : _operations.Get(context);
        var granted = _controller.TryAcquire(operation, out var ticket, out var rejection, out var transition);
        var permit = granted ? new BreakerPermit(this, ticket, context) : new BreakerPermit(rejection!);
        return transition.Kind == TransitionKind.None
            ? new(permit)
            : RaiseThenReturnAsync(transition, context, permit);
    }

    /// <summary>
    /// Asks for permission to make one attempt and throws the rejection when it is refused.
    /// </summary>
    /// <param name="context">The context of the operation, or <see langword="null"/> for a single-attempt operation.</param>
    /// <returns>The granted permit.</returns>
    /// <exception cref="BrokenCircuitException">Thrown when the circuit is open or half-open with every probe slot taken.</exception>
    /// <exception cref="IsolatedCircuitException">Thrown when the circuit is isolated.</exception>
    public async ValueTask<BreakerPermit> AcquireAsync(ResilienceContext? context = null)
    {
        var permit = await TryAcquireAsync(context).ConfigureAwait(context?.ContinueOnCapturedContext ?? false);
        return permit.IsGranted ? permit : throw permit.Rejection!;
    }

    /// <summary>
    /// Unbinds the gate from its manual control.
    /// </summary>
    public void Dispose() => _strategy.Dispose();

    internal ValueTask ReportAsync(in AttemptTicket ticket, OutcomeClass outcomeClass, Exception? exception, ResilienceContext? context)
    {
        if (outcomeClass is < OutcomeClass.Success or > OutcomeClass.Ignored)
        {
            throw new ArgumentOutOfRangeException(nameof(outcomeClass), outcomeClass, $"{nameof(OutcomeClass)} must be one of Success, TransientFailure, PermanentFailure or Ignored.");
        }

        var transition = _controller.Report(ticket, outcomeClass, exception);
        return transition.Kind == TransitionKind.None
            ? default
            : RaiseAsync(transition, exception, context);
    }

    private async ValueTask<BreakerPermit> RaiseThenReturnAsync(Transition transition, ResilienceContext? context, BreakerPermit permit)
    {
        await RaiseAsync(transition, null, context).ConfigureAwait(context?.ContinueOnCapturedContext ?? false);
        return permit;
    }

    private async ValueTask RaiseAsync(Transition transition, Exception? exception, ResilienceContext? context)
    {
        var owned = context is null;
        context ??= ResilienceContextPool.Shared.Get();
        try
        {
            var outcome = exception is null ? Outcome.FromResult<object>(null) : Outcome.FromException<object>(exception);
            await _controller.RaiseAsync(transition, context, outcome).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        finally
        {
            if (owned)
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }
    }
}
