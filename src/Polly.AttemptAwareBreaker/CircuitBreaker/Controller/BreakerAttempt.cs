using System.Runtime.CompilerServices;
using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// Runs one downstream attempt through a circuit: ask for permission, call, classify, report, raise events.
/// Shared by the standalone breaker strategy and the composed retry + breaker strategy.
/// </summary>
/// <typeparam name="T">The type of result.</typeparam>
internal sealed class BreakerAttempt<T>
{
    private readonly CircuitStateMachine _machine;
    private readonly CircuitEvents<T> _events;
    private readonly Func<OutcomeClassifierArguments<T>, ValueTask<OutcomeClass>> _classifier;
    private readonly Func<RequestedBreakArguments<T>, ValueTask<TimeSpan?>>? _requestedBreak;
    private readonly ResilienceStrategyTelemetry _telemetry;

    public BreakerAttempt(
        BreakerController<T> controller,
        Func<OutcomeClassifierArguments<T>, ValueTask<OutcomeClass>> classifier,
        Func<RequestedBreakArguments<T>, ValueTask<TimeSpan?>>? requestedBreak,
        ResilienceStrategyTelemetry telemetry)
    {
        _machine = controller.Machine;
        _events = controller.Events;
        _classifier = classifier;
        _requestedBreak = requestedBreak;
        _telemetry = telemetry;
    }

    /// <summary>Gets a value indicating whether the options have a <c>RequestedBreakGenerator</c> to read outcomes with.</summary>
    public bool ReadsRequestedBreaks => _requestedBreak is not null;

    /// <summary>Runs one attempt and returns its outcome with its class (or that it was rejected).</summary>
    /// <remarks>
    /// A rejection, and an attempt through a closed circuit whose callback and classifier complete synchronously, run without an
    /// async state machine; any step that does not (a state change to raise, a probe to clear with the fleet, a pending callback or classifier)
    /// continues on an async path from that point.
    /// </remarks>
    public ValueTask<ClassifiedOutcome<T>> ExecuteClassifiedAsync<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state,
        OperationRecord operation,
        long startedAt)
    {
        if (_machine.TryAdmitClosed(operation, startedAt, out var ticket))
        {
            return Call(ticket, callback, context, state);
        }

        return _machine.TryRejectWhileOpen(startedAt) is { } rejection
            ? new(ClassifiedOutcome<T>.Rejected(Outcome.FromException<T>(rejection)))
            : Admit(operation, startedAt, callback, context, state);
    }

    /// <summary>
    /// Everything but a lock-free closed-circuit admission: the circuit decides under its lock; a plain grant is called at once, a plain
    /// rejection returns at once, the rest continues asynchronously. Kept out of line so that the closed path's frame stays small.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private ValueTask<ClassifiedOutcome<T>> Admit<TState>(
        OperationRecord operation,
        long startedAt,
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
    {
        var admission = _machine.TryAcquire(operation, startedAt);
        if (admission.Transition.Kind != TransitionKind.None || (admission.IsGranted && admission.Ticket.IsProbe && _machine.Fleet is not null))
        {
            return AdmitAsync(admission, callback, context, state);
        }

        return admission.IsGranted
            ? Call(admission.Ticket, callback, context, state)
            : new(ClassifiedOutcome<T>.Rejected(Outcome.FromException<T>(admission.Rejection!)));
    }

    private async ValueTask<ClassifiedOutcome<T>> AdmitAsync<TState>(
        Admission admission,
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
    {
        await _events.RaiseAsync(admission.Transition, context, default).ConfigureAwait(context.ContinueOnCapturedContext);

        if (admission.IsGranted && admission.Ticket.IsProbe && _machine.Fleet is { } fleet)
        {
            // Half-open probes are counted fleet-wide: the local slot is used only once a fleet slot is this process's.
            admission = await fleet.AdmitProbeAsync(admission.Ticket, context).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        return admission.IsGranted
            ? await Call(admission.Ticket, callback, context, state).ConfigureAwait(context.ContinueOnCapturedContext)
            : ClassifiedOutcome<T>.Rejected(Outcome.FromException<T>(admission.Rejection!));
    }

    private ValueTask<ClassifiedOutcome<T>> Call<TState>(
        in AttemptTicket ticket,
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
    {
        ValueTask<Outcome<T>> pending;
        try
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            pending = callback(context, state);
        }
#pragma warning disable CA1031 // Any exception of the downstream call is its outcome.
        catch (Exception ex)
        {
            pending = new(Outcome.FromException<T>(ex));
        }
#pragma warning restore CA1031

        return pending.IsCompletedSuccessfully
            ? Classify(pending.Result, ticket, _machine.Clock.Now, context)
            : AwaitCallAsync(pending, ticket, context);
    }

    private async ValueTask<ClassifiedOutcome<T>> AwaitCallAsync(ValueTask<Outcome<T>> pending, AttemptTicket ticket, ResilienceContext context)
    {
        Outcome<T> outcome;
        try
        {
            outcome = await pending.ConfigureAwait(context.ContinueOnCapturedContext);
        }
#pragma warning disable CA1031 // Any exception of the downstream call is its outcome.
        catch (Exception ex)
        {
            outcome = Outcome.FromException<T>(ex);
        }
#pragma warning restore CA1031

        return await Classify(outcome, ticket, _machine.Clock.Now, context).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    /// <summary>Classifies an attempt's outcome; <paramref name="finished"/> is when the downstream answered.</summary>
    private ValueTask<ClassifiedOutcome<T>> Classify(Outcome<T> outcome, in AttemptTicket ticket, long finished, ResilienceContext context)
    {
        OutcomeClass outcomeClass;
        try
        {
            var duration = ticket.StartedAt == AttemptTicket.NotMeasured ? TimeSpan.Zero : _machine.Clock.Elapsed(ticket.StartedAt, finished);
            var pending = _classifier(new OutcomeClassifierArguments<T>(context, outcome, ticket.AttemptNumber, duration));
            if (!pending.IsCompletedSuccessfully)
            {
                return AwaitClassifyAsync(pending, outcome, ticket, finished, context);
            }

            outcomeClass = Defined(pending.Result);
        }
#pragma warning disable CA1031 // A classifier that throws is a failure of the call; the probe slot must still be released.
        catch (Exception ex)
        {
            outcome = ClassifierFailed(ex, ticket, context);
            outcomeClass = OutcomeClass.PermanentFailure;
        }
#pragma warning restore CA1031

        return _requestedBreak is null
            ? Complete(outcome, outcomeClass, ticket, finished, context)
            : CompleteWithRequestedBreakAsync(outcome, outcomeClass, ticket, finished, context);
    }

    private async ValueTask<ClassifiedOutcome<T>> AwaitClassifyAsync(
        ValueTask<OutcomeClass> pending,
        Outcome<T> outcome,
        AttemptTicket ticket,
        long finished,
        ResilienceContext context)
    {
        OutcomeClass outcomeClass;
        try
        {
            outcomeClass = Defined(await pending.ConfigureAwait(context.ContinueOnCapturedContext));
        }
#pragma warning disable CA1031 // A classifier that throws is a failure of the call; the probe slot must still be released.
        catch (Exception ex)
        {
            outcome = ClassifierFailed(ex, ticket, context);
            outcomeClass = OutcomeClass.PermanentFailure;
        }
#pragma warning restore CA1031

        return await (_requestedBreak is null
            ? Complete(outcome, outcomeClass, ticket, finished, context)
            : CompleteWithRequestedBreakAsync(outcome, outcomeClass, ticket, finished, context)).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    /// <summary>Asks the generator whether the downstream requested a pause, then completes the attempt with it.</summary>
    private async ValueTask<ClassifiedOutcome<T>> CompleteWithRequestedBreakAsync(
        Outcome<T> outcome,
        OutcomeClass outcomeClass,
        AttemptTicket ticket,
        long finished,
        ResilienceContext context)
    {
        var pause = await RequestedBreakAsync(outcome, context).ConfigureAwait(context.ContinueOnCapturedContext);
        return await Complete(outcome, outcomeClass, ticket, finished, context, pause).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    /// <summary>Asks the generator (set: see <see cref="ReadsRequestedBreaks"/>) whether <paramref name="outcome"/> requests a pause.</summary>
    /// <param name="outcome">The attempt's outcome.</param>
    /// <param name="context">The context of the execution.</param>
    /// <returns>The pause within the minimum and maximum, or <see langword="null"/> when none was requested (or the generator threw).</returns>
    public async ValueTask<TimeSpan?> RequestedBreakAsync(Outcome<T> outcome, ResilienceContext context)
    {
        TimeSpan? requested;
        try
        {
            requested = await _requestedBreak!(new RequestedBreakArguments<T>(context, outcome, _machine.Clock.TimeProvider))
                .ConfigureAwait(context.ContinueOnCapturedContext);
        }
#pragma warning disable CA1031 // A generator that throws asks for no pause; the outcome and the probe slot are handled as usual.
        catch (Exception)
        {
            requested = null;
        }
#pragma warning restore CA1031

        var settings = _machine.Settings;
        return requested is { } asked && asked >= settings.RequestedBreakMinimum && asked > TimeSpan.Zero
            ? (asked > settings.RequestedBreakMaximum ? settings.RequestedBreakMaximum : asked)
            : null;
    }

    private static OutcomeClass Defined(OutcomeClass outcomeClass) => outcomeClass is < OutcomeClass.Success or > OutcomeClass.Ignored
        ? throw new InvalidOperationException($"The outcome classifier returned {(int)outcomeClass}, which is not a defined {nameof(OutcomeClass)} value.")
        : outcomeClass;

    private Outcome<T> ClassifierFailed(Exception error, in AttemptTicket ticket, ResilienceContext context)
    {
        var outcome = Outcome.FromException<T>(error);
        _telemetry.Report(
            new ResilienceEvent(ResilienceEventSeverity.Error, BreakerTelemetry.OnClassifierFailed),
            context,
            outcome,
            new AttemptFailedArguments(ticket.AttemptNumber, OutcomeClass.PermanentFailure));
        return outcome;
    }

    /// <summary>Reports the classified outcome to the circuit and raises the state change it caused, if any.</summary>
    private ValueTask<ClassifiedOutcome<T>> Complete(
        Outcome<T> outcome,
        OutcomeClass outcomeClass,
        in AttemptTicket ticket,
        long finished,
        ResilienceContext context,
        TimeSpan? requestedBreak = null)
    {
        if (outcomeClass is OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure)
        {
            _telemetry.Report(
                new ResilienceEvent(ResilienceEventSeverity.Warning, BreakerTelemetry.OnAttemptFailed),
                context,
                outcome,
                new AttemptFailedArguments(ticket.AttemptNumber, outcomeClass));
        }

        if (_machine.Settings.SlowAttemptThreshold is { } threshold && outcomeClass != OutcomeClass.Ignored && ticket.StartedAt != AttemptTicket.NotMeasured
            && _machine.Clock.Elapsed(ticket.StartedAt, finished) is var duration && duration >= threshold)
        {
            _telemetry.Report(
                new ResilienceEvent(ResilienceEventSeverity.Warning, BreakerTelemetry.OnSlowAttempt),
                context,
                outcome,
                new SlowAttemptArguments(ticket.AttemptNumber, outcomeClass, duration));
        }

        var transition = _machine.Report(ticket, outcomeClass, outcome.Exception, finished, requestedBreak);

        var result = new ClassifiedOutcome<T>(outcome, outcomeClass, ticket.IsProbe, transition.Kind == TransitionKind.Opened, finished);
        return transition.Kind == TransitionKind.None ? new(result) : RaiseAsync(transition, context, result);
    }

    private async ValueTask<ClassifiedOutcome<T>> RaiseAsync(Transition transition, ResilienceContext context, ClassifiedOutcome<T> result)
    {
        await _events.RaiseAsync(transition, context, result.Outcome).ConfigureAwait(context.ContinueOnCapturedContext);
        return result;
    }
}
