using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// Runs one downstream attempt through a circuit: ask for permission, call, classify, report, raise events.
/// Shared by the standalone breaker strategy and the composed retry + breaker strategy.
/// </summary>
/// <typeparam name="T">The type of result.</typeparam>
internal sealed class BreakerAttempt<T>
{
    private readonly BreakerController<T> _controller;
    private readonly Func<OutcomeClassifierArguments<T>, ValueTask<OutcomeClass>> _classifier;
    private readonly ResilienceStrategyTelemetry _telemetry;

    public BreakerAttempt(
        BreakerController<T> controller,
        Func<OutcomeClassifierArguments<T>, ValueTask<OutcomeClass>> classifier,
        ResilienceStrategyTelemetry telemetry)
    {
        _controller = controller;
        _classifier = classifier;
        _telemetry = telemetry;
    }

    public BreakerController<T> Controller => _controller;

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
        OperationRecord operation)
    {
        var granted = _controller.TryAcquire(operation, out var ticket, out var rejection, out var transition);
        if (!granted || transition.Kind != TransitionKind.None || (ticket.IsProbe && _controller.Shared is not null))
        {
            return Admit(granted, ticket, rejection, transition, callback, context, state);
        }

        return Call(ticket, fleetSlot: -1, callback, context, state);
    }

    /// <summary>Everything but a closed-circuit admission: a plain rejection returns at once, the rest continues asynchronously.</summary>
    private ValueTask<ClassifiedOutcome<T>> Admit<TState>(
        bool granted,
        AttemptTicket ticket,
        ExecutionRejectedException? rejection,
        Transition transition,
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
        => granted || transition.Kind != TransitionKind.None
            ? AdmitAsync(granted, ticket, rejection, transition, callback, context, state)
            : new(ClassifiedOutcome<T>.Rejected(Outcome.FromException<T>(rejection!)));

    private async ValueTask<ClassifiedOutcome<T>> AdmitAsync<TState>(
        bool granted,
        AttemptTicket ticket,
        ExecutionRejectedException? rejection,
        Transition transition,
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state)
    {
        if (transition.Kind != TransitionKind.None)
        {
            await _controller.RaiseAsync(transition, context, default).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        if (!granted)
        {
            return ClassifiedOutcome<T>.Rejected(Outcome.FromException<T>(rejection!));
        }

        var fleetSlot = -1;
        if (ticket.IsProbe && _controller.Shared is { } shared)
        {
            // Half-open probes are counted fleet-wide: the local slot is only used once a fleet slot is this process's.
            var slot = await AcquireFleetProbeAsync(shared, context).ConfigureAwait(context.ContinueOnCapturedContext);
            if (slot is null)
            {
                _controller.AbandonProbe(ticket);
                var refused = _controller.FleetProbeRejection();
                _telemetry.SetTelemetrySource(refused);
                return ClassifiedOutcome<T>.Rejected(Outcome.FromException<T>(refused));
            }

            fleetSlot = slot.Value;
        }

        return await Call(ticket, fleetSlot, callback, context, state).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    private ValueTask<ClassifiedOutcome<T>> Call<TState>(
        in AttemptTicket ticket,
        int fleetSlot,
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
            ? Classify(pending.Result, ticket, fleetSlot, context)
            : AwaitCallAsync(pending, ticket, fleetSlot, context);
    }

    private async ValueTask<ClassifiedOutcome<T>> AwaitCallAsync(ValueTask<Outcome<T>> pending, AttemptTicket ticket, int fleetSlot, ResilienceContext context)
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

        return await Classify(outcome, ticket, fleetSlot, context).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    private ValueTask<ClassifiedOutcome<T>> Classify(Outcome<T> outcome, in AttemptTicket ticket, int fleetSlot, ResilienceContext context)
    {
        OutcomeClass outcomeClass;
        try
        {
            var pending = _classifier(new OutcomeClassifierArguments<T>(context, outcome, ticket.AttemptNumber));
            if (!pending.IsCompletedSuccessfully)
            {
                return AwaitClassifyAsync(pending, outcome, ticket, fleetSlot, context);
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

        return Complete(outcome, outcomeClass, ticket, fleetSlot, context);
    }

    private async ValueTask<ClassifiedOutcome<T>> AwaitClassifyAsync(
        ValueTask<OutcomeClass> pending,
        Outcome<T> outcome,
        AttemptTicket ticket,
        int fleetSlot,
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

        return await Complete(outcome, outcomeClass, ticket, fleetSlot, context).ConfigureAwait(context.ContinueOnCapturedContext);
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
    private ValueTask<ClassifiedOutcome<T>> Complete(Outcome<T> outcome, OutcomeClass outcomeClass, in AttemptTicket ticket, int fleetSlot, ResilienceContext context)
    {
        if (outcomeClass is OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure)
        {
            _telemetry.Report(
                new ResilienceEvent(ResilienceEventSeverity.Warning, BreakerTelemetry.OnAttemptFailed),
                context,
                outcome,
                new AttemptFailedArguments(ticket.AttemptNumber, outcomeClass));
        }

        var finished = _controller.Timestamp;
        var transition = _controller.Report(ticket, outcomeClass, outcome.Exception, finished);
        if (fleetSlot >= 0)
        {
            _controller.Shared?.ReleaseProbe(fleetSlot);
        }

        var result = new ClassifiedOutcome<T>(outcome, outcomeClass, ticket.IsProbe, transition.Kind == TransitionKind.Opened, finished);
        return transition.Kind == TransitionKind.None ? new(result) : RaiseAsync(transition, context, result);
    }

    private async ValueTask<ClassifiedOutcome<T>> RaiseAsync(Transition transition, ResilienceContext context, ClassifiedOutcome<T> result)
    {
        await _controller.RaiseAsync(transition, context, result.Outcome).ConfigureAwait(context.ContinueOnCapturedContext);
        return result;
    }

    private async ValueTask<int?> AcquireFleetProbeAsync(ISharedCircuitState shared, ResilienceContext context)
    {
        try
        {
            return await shared.TryAcquireProbeAsync(_controller.CurrentBreak, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
#pragma warning disable CA1031 // The shared store must never fail a call: without it the breaker decides alone.
        catch (Exception)
        {
            return -1;
        }
#pragma warning restore CA1031
    }
}

/// <summary>An attempt's outcome with what the breaker made of it.</summary>
internal readonly struct ClassifiedOutcome<T>
{
    public ClassifiedOutcome(Outcome<T> outcome, OutcomeClass outcomeClass, bool wasProbe, bool openedCircuit, long finishedAt)
    {
        Outcome = outcome;
        Class = outcomeClass;
        WasProbe = wasProbe;
        OpenedCircuit = openedCircuit;
        WasRejected = false;
        FinishedAt = finishedAt;
    }

    private ClassifiedOutcome(Outcome<T> rejection)
    {
        Outcome = rejection;
        Class = OutcomeClass.Ignored;
        WasRejected = true;
    }

    public Outcome<T> Outcome { get; }

    public OutcomeClass Class { get; }

    public bool WasProbe { get; }

    public bool OpenedCircuit { get; }

    public bool WasRejected { get; }

    /// <summary>Gets the timestamp the attempt's outcome was counted at (0 for a rejection).</summary>
    public long FinishedAt { get; }

    public static ClassifiedOutcome<T> Rejected(Outcome<T> rejection) => new(rejection);
}
