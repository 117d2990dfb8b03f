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
    public async ValueTask<ClassifiedOutcome<T>> ExecuteClassifiedAsync<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<T>>> callback,
        ResilienceContext context,
        TState state,
        OperationRecord operation)
    {
        var granted = _controller.TryAcquire(operation, out var ticket, out var rejection, out var transition);
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

        Outcome<T> outcome;
        try
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            outcome = await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
        }
#pragma warning disable CA1031 // Any exception of the downstream call is its outcome.
        catch (Exception ex)
        {
            outcome = Outcome.FromException<T>(ex);
        }
#pragma warning restore CA1031

        OutcomeClass outcomeClass;
        try
        {
            outcomeClass = await _classifier(new OutcomeClassifierArguments<T>(context, outcome, ticket.AttemptNumber))
                .ConfigureAwait(context.ContinueOnCapturedContext);
            if (outcomeClass is < OutcomeClass.Success or > OutcomeClass.Ignored)
            {
                throw new InvalidOperationException($"The outcome classifier returned {(int)outcomeClass}, which is not a defined {nameof(OutcomeClass)} value.");
            }
        }
#pragma warning disable CA1031 // A classifier that throws is a failure of the call; the probe slot must still be released.
        catch (Exception ex)
        {
            outcomeClass = OutcomeClass.PermanentFailure;
            _telemetry.Report(
                new ResilienceEvent(ResilienceEventSeverity.Error, BreakerTelemetry.OnClassifierFailed),
                context,
                Outcome.FromException<T>(ex),
                new AttemptFailedArguments(ticket.AttemptNumber, outcomeClass));
            outcome = Outcome.FromException<T>(ex);
        }
#pragma warning restore CA1031

        if (outcomeClass is OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure)
        {
            _telemetry.Report(
                new ResilienceEvent(ResilienceEventSeverity.Warning, BreakerTelemetry.OnAttemptFailed),
                context,
                outcome,
                new AttemptFailedArguments(ticket.AttemptNumber, outcomeClass));
        }

        transition = _controller.Report(ticket, outcomeClass, outcome.Exception);
        if (fleetSlot >= 0)
        {
            _controller.Shared?.ReleaseProbe(fleetSlot);
        }
        if (transition.Kind != TransitionKind.None)
        {
            await _controller.RaiseAsync(transition, context, outcome).ConfigureAwait(context.ContinueOnCapturedContext);
        }

        return new ClassifiedOutcome<T>(outcome, outcomeClass, ticket.IsProbe, transition.Kind == TransitionKind.Opened);
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
    public ClassifiedOutcome(Outcome<T> outcome, OutcomeClass outcomeClass, bool wasProbe, bool openedCircuit)
    {
        Outcome = outcome;
        Class = outcomeClass;
        WasProbe = wasProbe;
        OpenedCircuit = openedCircuit;
        WasRejected = false;
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

    public static ClassifiedOutcome<T> Rejected(Outcome<T> rejection) => new(rejection);
}
