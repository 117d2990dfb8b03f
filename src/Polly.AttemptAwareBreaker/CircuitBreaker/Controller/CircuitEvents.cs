using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// Raises the events of a circuit's state changes after the state machine's lock is released: the registry's notification, the
/// generated break duration, the fleet's notification, telemetry and the user's <c>OnOpened</c> / <c>OnClosed</c> / <c>OnHalfOpened</c>.
/// </summary>
/// <typeparam name="T">The type of result.</typeparam>
internal sealed class CircuitEvents<T> : ICircuitEventSink
{
    private readonly CircuitStateMachine _machine;
    private readonly ResilienceStrategyTelemetry _telemetry;
    private Callbacks _callbacks;

    public CircuitEvents(CircuitStateMachine machine, ResilienceStrategyTelemetry telemetry, AttemptAwareCircuitBreakerStrategyOptions<T> options)
    {
        _machine = machine;
        _telemetry = telemetry;
        _callbacks = new Callbacks(options);
    }

    /// <summary>Gets or sets the breaker's name in its registry, used in state-change notifications.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the receiver of state changes (the registry), or <see langword="null"/>.</summary>
    public Action<CircuitStateChange>? StateChanged { get; set; }

    /// <summary>Takes the callbacks of reloaded options.</summary>
    /// <param name="options">The new options.</param>
    public void Reconfigure(AttemptAwareCircuitBreakerStrategyOptions<T> options) => Volatile.Write(ref _callbacks, new Callbacks(options));

    /// <summary>Raises the events of a state change caused by an attempt or by the break ending.</summary>
    /// <param name="transition">The state change.</param>
    /// <param name="context">The context of the call that caused it.</param>
    /// <param name="outcome">The outcome that caused it.</param>
    /// <returns>A task that completes when the callbacks have run.</returns>
    public ValueTask RaiseAsync(Transition transition, ResilienceContext context, Outcome<T> outcome)
    {
        if (transition.Kind == TransitionKind.None)
        {
            return default;
        }

        transition.WakeWaiters();
        StateChanged?.Invoke(new CircuitStateChange(
            Name,
            transition.From,
            transition.To,
            transition.Reason,
            _machine.Clock.UtcNow,
            _machine.Settings.IsShadow ? CircuitBreakerEnforcement.Shadow : CircuitBreakerEnforcement.Enforcing));
        return transition.Kind switch
        {
            TransitionKind.Opened => RaiseOpenedAsync(transition, context, outcome),
            TransitionKind.Isolated => RaiseOpenedAsync(context, default, new OnCircuitOpenedArguments<T>(context, default, TimeSpan.MaxValue, isManual: true)),
            TransitionKind.Closed => RaiseClosedAsync(transition, context, outcome),
            _ => RaiseHalfOpenedAsync(context),
        };
    }

    /// <inheritdoc/>
    public void RaiseDetached(Transition transition) => _ = RaiseDetachedAsync(transition);

    /// <inheritdoc/>
    public void ReportSharedStatus(SharedStateStatus status, Exception? error)
    {
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            if (status == SharedStateStatus.Degraded)
            {
                _telemetry.Report(
                    new(ResilienceEventSeverity.Warning, BreakerTelemetry.OnSharedStateDegraded), context, Outcome.FromException<T>(error!), new SharedStateArguments(status, error));
            }
            else
            {
                _telemetry.Report(new(ResilienceEventSeverity.Information, BreakerTelemetry.OnSharedStateConnected), context, new SharedStateArguments(status, null));
            }
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <inheritdoc/>
    public void ReportOpeningScope(bool fleetWide, FleetQuorum quorum)
    {
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            var name = fleetWide ? BreakerTelemetry.OnCircuitOpenedFleetWide : BreakerTelemetry.OnCircuitOpenedLocally;
            _telemetry.Report(new(fleetWide ? ResilienceEventSeverity.Information : ResilienceEventSeverity.Warning, name), context, quorum);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask RaiseOpenedAsync(Transition transition, ResilienceContext context, Outcome<T> outcome)
    {
        var callbacks = Volatile.Read(ref _callbacks);

        // A break the fleet imposed keeps the length the opening instance gave it, a break the downstream asked for its own length;
        // only an opening by the rules may generate one.
        var breakDuration = transition.Reason is CircuitStateChangeReason.SharedState or CircuitStateChangeReason.ServerRequested
            ? _machine.CurrentBreak
            : _machine.Settings.BreakDuration;
        if (callbacks.BreakDurationGenerator is { } generator && transition.Reason is not (CircuitStateChangeReason.SharedState or CircuitStateChangeReason.ServerRequested))
        {
            var generated = await generator(new BreakDurationGeneratorArguments(transition.FailureRate, transition.FailureCount, context, transition.HalfOpenAttempts))
                .ConfigureAwait(context.ContinueOnCapturedContext);
            if (generated > TimeSpan.Zero)
            {
                breakDuration = generated;
                _machine.ApplyGeneratedBreak(transition.Generation, generated);
            }
        }

        // The fleet hears of the opening once its break is known, so every instance honours the same back-off.
        _machine.Fleet?.Publish(transition);
        await RaiseOpenedAsync(context, outcome, new OnCircuitOpenedArguments<T>(context, outcome, breakDuration, isManual: false))
            .ConfigureAwait(context.ContinueOnCapturedContext);
    }

    private async ValueTask RaiseOpenedAsync(ResilienceContext context, Outcome<T> outcome, OnCircuitOpenedArguments<T> args)
    {
        _telemetry.Report(new(ResilienceEventSeverity.Error, BreakerTelemetry.OnCircuitOpened), context, outcome, args);
        if (Volatile.Read(ref _callbacks).OnOpened is { } onOpened)
        {
            await onOpened(args).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }

    private async ValueTask RaiseClosedAsync(Transition transition, ResilienceContext context, Outcome<T> outcome)
    {
        _machine.Fleet?.Publish(transition);
        var args = new OnCircuitClosedArguments<T>(context, outcome, isManual: transition.Reason == CircuitStateChangeReason.ManualClose);
        _telemetry.Report(new(ResilienceEventSeverity.Information, BreakerTelemetry.OnCircuitClosed), context, outcome, args);
        if (Volatile.Read(ref _callbacks).OnClosed is { } onClosed)
        {
            await onClosed(args).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }

    private async ValueTask RaiseHalfOpenedAsync(ResilienceContext context)
    {
        var args = new OnCircuitHalfOpenedArguments(context);
        _telemetry.Report(new(ResilienceEventSeverity.Warning, BreakerTelemetry.OnCircuitHalfOpened), context, args);
        if (Volatile.Read(ref _callbacks).OnHalfOpened is { } onHalfOpened)
        {
            await onHalfOpened(args).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }

    private async Task RaiseDetachedAsync(Transition transition)
    {
        var context = ResilienceContextPool.Shared.Get();
        try
        {
            await RaiseAsync(transition, context, default).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A throwing OnOpened/OnClosed callback must not break the shared-state link.
        catch (Exception)
        {
        }
#pragma warning restore CA1031
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>The user's callbacks of one version of the options.</summary>
    private sealed class Callbacks(AttemptAwareCircuitBreakerStrategyOptions<T> options)
    {
        public Func<BreakDurationGeneratorArguments, ValueTask<TimeSpan>>? BreakDurationGenerator { get; } = options.BreakDurationGenerator;

        public Func<OnCircuitOpenedArguments<T>, ValueTask>? OnOpened { get; } = options.OnOpened;

        public Func<OnCircuitClosedArguments<T>, ValueTask>? OnClosed { get; } = options.OnClosed;

        public Func<OnCircuitHalfOpenedArguments, ValueTask>? OnHalfOpened { get; } = options.OnHalfOpened;
    }
}
