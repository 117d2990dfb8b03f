using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.Retry;

/// <summary>
/// Retry (outer) and attempt-aware breaker (inner) as one strategy, so the order cannot be wrong: every attempt asks the breaker
/// first, only transient failures are retried, rejections and half-open probes never are, a retry delay ends when the circuit
/// opens, and a retry budget caps the extra load.
/// </summary>
/// <typeparam name="T">The type of result.</typeparam>
internal sealed class AttemptAwareRetryResilienceStrategy<T> : ResilienceStrategy<T>, IDisposable
{
    private readonly BreakerCircuit<T> _circuit;
    private readonly CircuitStateMachine _machine;
    private readonly AttemptAwareRetryStrategyOptions<T> _retry;
    private readonly RetryBudget? _budget;
    private readonly OperationRecordPool _records = new();
    private readonly TimeProvider _timeProvider;
    private readonly bool _sharesClock;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private readonly Func<Outcome<T>, TimeProvider, TimeSpan?>? _serverDelay;
    private readonly Func<RetryPredicateArguments<T>, ValueTask<bool>>? _shouldRetryOutcome;

    /// <param name="retry">The retry options.</param>
    /// <param name="breaker">The breaker options, whose classifier decides what the breaker counts.</param>
    /// <param name="context">The builder context.</param>
    /// <param name="serverDelay">Reads a delay the downstream asked for (the HTTP package's <c>Retry-After</c>).</param>
    /// <param name="shouldRetryOutcome">Decides which outcomes are retried in place of "classified <see cref="OutcomeClass.TransientFailure"/>"
    /// (the HTTP package's <c>Retry.ShouldHandle</c>); asked only for attempts that may be retried at all (not rejected, not a probe,
    /// not the attempt that opened the circuit, retries left, caller not cancelled).</param>
    public AttemptAwareRetryResilienceStrategy(
        AttemptAwareRetryStrategyOptions<T> retry,
        AttemptAwareCircuitBreakerStrategyOptions<T> breaker,
        StrategyBuilderContext context,
        Func<Outcome<T>, TimeProvider, TimeSpan?>? serverDelay = null,
        Func<RetryPredicateArguments<T>, ValueTask<bool>>? shouldRetryOutcome = null)
    {
        _retry = retry;
        _serverDelay = serverDelay;
        _shouldRetryOutcome = shouldRetryOutcome;
        _timeProvider = context.TimeProvider;
        _telemetry = context.Telemetry;
        _circuit = new BreakerCircuit<T>(breaker, context.TimeProvider, context.Telemetry);
        _machine = _circuit.Controller.Machine;

        // A circuit taken over from an earlier build (a reload through the registry) may run on another clock.
        _sharesClock = ReferenceEquals(_machine.Clock.TimeProvider, _timeProvider);
        _budget = retry.RetryBudget is { } budget ? new RetryBudget(budget, context.TimeProvider) : null;
    }

    public void Dispose() => _circuit.Dispose();

    protected override async ValueTask<Outcome<T>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
    {
        if (OperationTracker.IsInsideBreaker(context))
        {
            return Outcome.FromException<T>(new InvalidOperationException(
                "The attempt-aware retry runs inside an attempt-aware circuit breaker, so the breaker would see one outcome per operation " +
                "instead of one per attempt. Remove the separate AddAttemptAwareCircuitBreaker call and configure the breaker through " +
                "AddAttemptAwareRetryAndCircuitBreaker(retryOptions, circuitBreakerOptions), which adds both in the right order."));
        }

        // The composed strategy owns the whole operation, so its record comes from a pool rather than from the context.
        var operation = _records.Rent(this);
        try
        {
            for (var attemptNumber = 0; ; attemptNumber++)
            {
                var started = _timeProvider.GetTimestamp();
                var result = await _circuit.Attempt.ExecuteClassifiedAsync(callback, context, state, operation, _sharesClock ? started : _machine.Clock.Now)
                    .ConfigureAwait(context.ContinueOnCapturedContext);
                var outcome = result.Outcome;

                // The breaker read the clock when it counted the outcome; the attempt's duration and the budget reuse that reading.
                var finished = result.WasRejected || !_sharesClock ? _timeProvider.GetTimestamp() : result.FinishedAt;
                var duration = _timeProvider.GetElapsedTime(started, finished);
                if (attemptNumber == 0 && !result.WasRejected)
                {
                    // Only first attempts that reached the downstream earn retries.
                    _budget?.OnFirstAttempt(finished);
                }

                // In shadow mode the breaker rejects nothing, so the retry retries as if the circuit stayed closed.
                var enforcing = !_machine.Settings.IsShadow;
                var retryable = !result.WasRejected
                    && (_shouldRetryOutcome is not null || result.Class == OutcomeClass.TransientFailure)
                    && !(enforcing && (result.WasProbe || result.OpenedCircuit))
                    && attemptNumber < _retry.MaxRetryAttempts
                    && !context.CancellationToken.IsCancellationRequested;

                ReportExecutionAttempt(context, outcome, attemptNumber, duration, handled: result.Class is OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure);
                if (!retryable)
                {
                    return outcome;
                }

                if (_shouldRetryOutcome is not null)
                {
                    var (retry, decided) = await DecideRetryAsync(context, outcome, attemptNumber).ConfigureAwait(context.ContinueOnCapturedContext);
                    if (!retry)
                    {
                        return decided;
                    }
                }

                if (_retry.ShouldRetry is { } shouldRetry
                    && !await shouldRetry(new RetryPredicateArguments<T>(context, outcome, attemptNumber)).ConfigureAwait(context.ContinueOnCapturedContext))
                {
                    return outcome;
                }

                if (enforcing && _machine.State is CircuitState.Open or CircuitState.Isolated)
                {
                    // Opened by other callers: the next attempt is rejected at once, without a delay; this result is replaced.
                    await DisposeResultAsync(outcome, context).ConfigureAwait(context.ContinueOnCapturedContext);
                    continue;
                }

                if (_budget is not null && !_budget.TryWithdraw())
                {
                    _telemetry.Report(
                        new ResilienceEvent(ResilienceEventSeverity.Warning, BreakerTelemetry.OnRetryBudgetExhausted),
                        context,
                        outcome,
                        new AttemptFailedArguments(attemptNumber, result.Class));
                    return outcome;
                }

                var delay = await GetDelayAsync(context, outcome, attemptNumber).ConfigureAwait(context.ContinueOnCapturedContext);
                var onRetryArgs = new OnRetryArguments<T>(context, outcome, attemptNumber, delay, duration);
                _telemetry.Report(new ResilienceEvent(ResilienceEventSeverity.Warning, BreakerTelemetry.OnRetry), context, outcome, onRetryArgs);
                if (_retry.OnRetry is { } onRetry)
                {
                    await onRetry(onRetryArgs).ConfigureAwait(context.ContinueOnCapturedContext);
                }

                await DisposeResultAsync(outcome, context).ConfigureAwait(context.ContinueOnCapturedContext);

                if (delay > TimeSpan.Zero && await WaitUnlessOpenedAsync(delay, context).ConfigureAwait(context.ContinueOnCapturedContext) is { } cancelled)
                {
                    return cancelled;
                }
            }
        }
        finally
        {
            _records.Return(operation);
        }
    }

    /// <summary>
    /// Asks the retry predicate that replaces the classification. A predicate that throws fails the call with its exception (the
    /// attempt's result is disposed), as a classifier that throws does.
    /// </summary>
    private async ValueTask<(bool Retry, Outcome<T> Outcome)> DecideRetryAsync(ResilienceContext context, Outcome<T> outcome, int attemptNumber)
    {
        try
        {
            var retry = await _shouldRetryOutcome!(new RetryPredicateArguments<T>(context, outcome, attemptNumber)).ConfigureAwait(context.ContinueOnCapturedContext);
            return (retry, outcome);
        }
#pragma warning disable CA1031 // A predicate that throws is a failure of the call, as a classifier that throws is.
        catch (Exception ex)
        {
            await DisposeResultAsync(outcome, context).ConfigureAwait(context.ContinueOnCapturedContext);
            return (false, Outcome.FromException<T>(ex));
        }
#pragma warning restore CA1031
    }

    private static async ValueTask DisposeResultAsync(Outcome<T> outcome, ResilienceContext context)
    {
        switch (outcome)
        {
            case { Result: IAsyncDisposable asyncDisposable }:
                await asyncDisposable.DisposeAsync().ConfigureAwait(context.ContinueOnCapturedContext);
                break;
            case { Result: IDisposable disposable }:
                disposable.Dispose();
                break;
        }
    }

    private async ValueTask<TimeSpan> GetDelayAsync(ResilienceContext context, Outcome<T> outcome, int attemptNumber)
    {
        // A delay the downstream asked for (an HTTP Retry-After, supplied by the HTTP package) comes first.
        if (_serverDelay?.Invoke(outcome, _timeProvider) is { } requested && requested >= TimeSpan.Zero)
        {
            return Cap(requested);
        }

        if (_retry.DelayGenerator is { } generator
            && await generator(new RetryDelayGeneratorArguments<T>(context, outcome, attemptNumber)).ConfigureAwait(context.ContinueOnCapturedContext) is { } generated
            && generated >= TimeSpan.Zero)
        {
            return Cap(generated);
        }

        return RetryDelays.Compute(_retry.BackoffType, _retry.UseJitter, attemptNumber, _retry.Delay, _retry.MaxDelay, _retry.Randomizer);
    }

    /// <summary>
    /// Waits out a retry delay, cut short when the circuit opens. Returns the caller's cancellation as an outcome, or <see langword="null"/>
    /// when the loop should go on (the delay passed, or the circuit opened and the next attempt will be rejected at once).
    /// </summary>
    /// <remarks>
    /// The wait completes on the thread that ends it (the timer's, or the one that opened the circuit), like a timer callback does,
    /// so under a fake clock an operation moves on within the clock's advance.
    /// </remarks>
    private TimeSpan Cap(TimeSpan delay) => _retry.MaxDelay is { } max && delay > max ? max : delay;

    private async ValueTask<Outcome<T>?> WaitUnlessOpenedAsync(TimeSpan delay, ResilienceContext context)
    {
        var opened = _machine.Settings.IsShadow ? CancellationToken.None : _machine.OpenedToken;
        if (!_machine.Settings.IsShadow && _machine.State is CircuitState.Open or CircuitState.Isolated)
        {
            return null;
        }

        var wake = new TaskCompletionSource<bool>();
        using (_timeProvider.CreateTimer(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(true), wake, delay, System.Threading.Timeout.InfiniteTimeSpan))
        using (opened.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), wake))
        using (context.CancellationToken.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(false), wake))
        {
            await wake.Task.ConfigureAwait(context.ContinueOnCapturedContext);
        }

        return context.CancellationToken.IsCancellationRequested
            ? Outcome.FromException<T>(new OperationCanceledException(context.CancellationToken))
            : null;
    }

    private void ReportExecutionAttempt(ResilienceContext context, Outcome<T> outcome, int attemptNumber, TimeSpan duration, bool handled)
        => _telemetry.Report(
            new ResilienceEvent(handled ? ResilienceEventSeverity.Warning : ResilienceEventSeverity.Information, BreakerTelemetry.ExecutionAttempt),
            context,
            outcome,
            new ExecutionAttemptArguments(attemptNumber, duration, handled));
}
