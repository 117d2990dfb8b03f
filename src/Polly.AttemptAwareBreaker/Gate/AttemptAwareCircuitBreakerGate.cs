using System.ComponentModel.DataAnnotations;
using Polly.AttemptAwareBreaker.CircuitBreaker;
using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;
using Polly.AttemptAwareBreaker.Gate;
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
    private readonly CircuitStateMachine _machine;
    private readonly CircuitEvents<object> _events;
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
        _machine = strategy!.Controller.Machine;
        _events = strategy.Controller.Events;
    }

    /// <summary>
    /// Gets the state of the circuit.
    /// </summary>
    public CircuitState State => _machine.State;

    /// <summary>
    /// Takes a consistent snapshot of the circuit's state and statistics.
    /// </summary>
    /// <returns>The snapshot.</returns>
    public CircuitSnapshot GetSnapshot() => _machine.GetSnapshot();

    /// <summary>
    /// Asks for permission to make one attempt. Never throws for a rejection: a refused permit carries it in <see cref="BreakerPermit.Rejection"/>.
    /// </summary>
    /// <param name="context">The context of the operation: attempts made with the same context (until it is returned to its pool)
    /// are attempts of one operation. <see langword="null"/> for a single-attempt operation.</param>
    /// <returns>The permit; check <see cref="BreakerPermit.IsGranted"/>.</returns>
    public ValueTask<BreakerPermit> TryAcquireAsync(ResilienceContext? context = null)
    {
        var operation = context is null ? null : _operations.Get(context);
        var admission = _machine.TryAcquire(operation, _machine.Clock.Now);
        var permit = admission.IsGranted ? new BreakerPermit(new GrantedAttempt(this, admission.Ticket, context)) : new BreakerPermit(admission.Rejection!);
        return admission.Transition.Kind == TransitionKind.None
            ? new(permit)
            : RaiseThenReturnAsync(admission.Transition, context, permit);
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

    internal ValueTask ReportAsync(GrantedAttempt attempt, OutcomeClass outcomeClass, Exception? exception)
    {
        if (outcomeClass is < OutcomeClass.Success or > OutcomeClass.Ignored)
        {
            throw new ArgumentOutOfRangeException(nameof(outcomeClass), outcomeClass, $"{nameof(OutcomeClass)} must be one of Success, TransientFailure, PermanentFailure or Ignored.");
        }

        if (attempt.MarkReported(outcomeClass) is { } first)
        {
            throw new InvalidOperationException(
                $"This permit was already reported as {first}; a permit counts once, so this second report ({outcomeClass}) changed nothing.");
        }

        if (_strategy.Attempt.ReadsRequestedBreaks)
        {
            return ReportWithRequestedBreakAsync(attempt, outcomeClass, exception, _machine.Clock.Now);
        }

        var transition = _machine.Report(attempt.Ticket, outcomeClass, exception, _machine.Clock.Now);
        return transition.Kind == TransitionKind.None
            ? default
            : RaiseAsync(transition, exception, attempt.Context);
    }

    /// <summary>Reports an outcome after asking <c>RequestedBreakGenerator</c> whether it requests a pause: the generator gets the
    /// reported exception, or a <see langword="null"/> result without one.</summary>
    private async ValueTask ReportWithRequestedBreakAsync(GrantedAttempt attempt, OutcomeClass outcomeClass, Exception? exception, long finished)
    {
        var context = attempt.Context ?? ResilienceContextPool.Shared.Get();
        TimeSpan? pause;
        try
        {
            pause = await _strategy.Attempt.RequestedBreakAsync(ToOutcome(exception), context).ConfigureAwait(context.ContinueOnCapturedContext);
        }
        finally
        {
            if (attempt.Context is null)
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        var transition = _machine.Report(attempt.Ticket, outcomeClass, exception, finished, pause);
        if (transition.Kind != TransitionKind.None)
        {
            await RaiseAsync(transition, exception, attempt.Context).ConfigureAwait(attempt.Context?.ContinueOnCapturedContext ?? false);
        }
    }

    private static Outcome<object> ToOutcome(Exception? exception) => exception is null ? Outcome.FromResult<object>(null) : Outcome.FromException<object>(exception);

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
            await _events.RaiseAsync(transition, context, ToOutcome(exception)).ConfigureAwait(context.ContinueOnCapturedContext);
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
