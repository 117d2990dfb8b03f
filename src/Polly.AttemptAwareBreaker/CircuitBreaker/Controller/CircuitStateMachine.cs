using System.Runtime.CompilerServices;
using Polly.AttemptAwareBreaker.CircuitBreaker.HalfOpen;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.AttemptAwareBreaker.CircuitBreaker.Operations;
using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;
using Polly.AttemptAwareBreaker.SharedState;
using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// The state machine of one attempt-aware circuit: closed, open, half-open, isolated. Every transition starts a new generation; an
/// attempt's outcome counts in the statistics but can move only the generation that admitted it. One short lock guards every change; the
/// closed-path admission reads the state word without it unless a rule must see every admission. Under the lock it coordinates the counters
/// (<see cref="CircuitHealth"/>), the trip rules (<see cref="ITripRule"/>), who gets in (<see cref="AttemptAdmitter"/>) and the fleet
/// link's counts (<see cref="FleetLink"/>); <see cref="CircuitEvents{T}"/> raises the events after the lock is released.
/// </summary>
internal sealed class CircuitStateMachine
{
    private readonly SyncLock _lock = new();
    private readonly CircuitHealth _health = new();
    private readonly ProbeSlots _probes = new();
    private readonly AdmissionGuards _guards = new();
    private readonly OpenedSignal _opened = new();
    private readonly CircuitBreak _break;
    private readonly AttemptAdmitter _admitter;
    private readonly CircuitRejections _rejections;
    private readonly StateWord _word = new();
    private BreakerSettings _settings = null!;
    private TripRuleSet _rules = null!;
    private long _slowTicks = long.MaxValue;

    private int _halfOpenAttempts;
    private FleetLink? _fleet;

    public CircuitStateMachine(BreakerSettings settings, TimeProvider timeProvider, ResilienceStrategyTelemetry telemetry)
    {
        Clock = new BreakerClock(timeProvider);
        _break = new CircuitBreak(Clock, settings.BreakDuration);
        _rejections = new CircuitRejections(telemetry);
        _admitter = new AttemptAdmitter(_health, _probes, _guards, _break, _rejections, Clock);
        Apply(settings);
    }

    public BreakerClock Clock { get; }

    /// <summary>Gets the current settings (replaced as a whole by a reload, so readable without the lock).</summary>
    public BreakerSettings Settings => Volatile.Read(ref _settings);

    public CircuitState State => _word.Current;

    /// <summary>Gets the link to the fleet's shared state, or <see langword="null"/> when the circuit is local.</summary>
    public FleetLink? Fleet => Volatile.Read(ref _fleet);

    /// <summary>Gets a token cancelled when the circuit next opens or is isolated. Read it while closed or half-open.</summary>
    public CancellationToken OpenedToken => _opened.Token;

    /// <summary>Gets the length of the current break.</summary>
    public TimeSpan CurrentBreak => _break.Length;

    /// <summary>Applies reloaded settings, keeping the state, counts and probes in flight (the window restarts only when its length changes; the
    /// current break keeps its length).</summary>
    /// <param name="settings">The new settings.</param>
    public void Reconfigure(BreakerSettings settings) => Locked(settings, static (m, s) => m.Apply(s));

    /// <summary>
    /// The closed path: admits an attempt without the lock when the circuit is closed and no rule guards admission; otherwise returns
    /// <see langword="false"/>, and <see cref="TryAcquire"/> decides under the lock. Parameters as for <see cref="TryAcquire"/>.
    /// </summary>
    public bool TryAdmitClosed(OperationRecord? operation, long startedAt, out AttemptTicket ticket)
    {
        if (_word.IsOpenToAll(out var generation))
        {
            var attemptNumber = operation?.Attempts ?? 0;
            operation?.Attempts = attemptNumber + 1;
            ticket = new AttemptTicket(operation, attemptNumber, startedAt, generation);
            return true;
        }

        ticket = default;
        return false;
    }

    /// <summary>Asks for permission to make one attempt. Kept out of line: callers inline <see cref="TryAdmitClosed"/> before it.</summary>
    /// <param name="operation">The attempt's operation, or <see langword="null"/> for a single-attempt operation.</param>
    /// <param name="startedAt">When the attempt starts, a timestamp of <see cref="Clock"/>, or <see cref="AttemptTicket.NotMeasured"/>.</param>
    /// <returns>The ticket or the rejection, and the state change the request caused.</returns>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public Admission TryAcquire(OperationRecord? operation, long startedAt)
    {
        if (TryAdmitClosed(operation, startedAt, out var ticket))
        {
            return new Admission(ticket);
        }

        lock (_lock)
        {
            return TryAcquireLocked(operation, operation?.Attempts ?? 0, startedAt == AttemptTicket.NotMeasured ? Clock.Now : startedAt);
        }
    }

    /// <summary>
    /// The common case off the closed path: while an enforced break runs, counts the attempt as rejected and returns the rejection (built
    /// outside the lock); otherwise returns <see langword="null"/> and <see cref="TryAcquire"/> decides. Parameters as for it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public BrokenCircuitException? TryRejectWhileOpen(long startedAt)
    {
        if (_word.Current != CircuitState.Open)
        {
            return null;
        }

        var now = startedAt == AttemptTicket.NotMeasured ? Clock.Now : startedAt;
        long until;
        Exception? cause;
        lock (_lock)
        {
            until = _break.Until;
            if (_word.State != CircuitState.Open || now >= until || _settings.IsShadow)
            {
                return null;
            }

            _health.CountRejection(now);
            cause = _health.LastFailureException;
        }

        return _rejections.Open(Clock.Elapsed(now, until), cause);
    }

    /// <summary>Records the outcome of an admitted attempt, finished at <paramref name="now"/>, and applies the rules.</summary>
    /// <param name="ticket">The attempt's ticket.</param>
    /// <param name="outcomeClass">The class of its outcome.</param>
    /// <param name="exception">The exception of a failed attempt.</param>
    /// <param name="now">When the attempt finished, a timestamp of <see cref="Clock"/> the caller reuses.</param>
    /// <param name="requestedBreak">A pause the downstream asked for in this outcome, already within the minimum and maximum.</param>
    /// <returns>The state change the outcome caused, whose events the caller raises.</returns>
    public Transition Report(in AttemptTicket ticket, OutcomeClass outcomeClass, Exception? exception, long now, TimeSpan? requestedBreak = null)
    {
        Transition transition;
        lock (_lock)
        {
            transition = ReportLocked(ticket, outcomeClass, exception, now, requestedBreak);
        }

        if (ticket.FleetSlot >= 0)
        {
            Fleet?.ReleaseProbe(ticket.FleetSlot);
        }

        return transition;
    }

    /// <summary>Isolates the circuit (manual control): every attempt is rejected until it is closed.</summary>
    /// <returns>The state change.</returns>
    public Transition IsolateManually() => Locked(static m =>
    {
        var from = m._word.State;
        m.Enter(CircuitState.Isolated);
        return Transition.Isolated(from, m._word.Generation, m._opened.Swap());
    });

    /// <summary>Closes the circuit (manual control): it admits every attempt and its window starts empty.</summary>
    /// <returns>The state change.</returns>
    public Transition CloseManually() => Locked(static m => m.Close(CircuitStateChangeReason.ManualClose, m.Clock.Now));

    /// <summary>Judges the rules again (the fleet's counts changed); only a closed circuit can open.</summary>
    /// <returns>The state change, if any.</returns>
    public Transition Reevaluate() => Locked(static m => m._word.State == CircuitState.Closed ? m.Evaluate(m.Clock.Now) : Transition.None);

    /// <summary>Opens the circuit for <paramref name="length"/>, unless it is isolated or already open at least that long.</summary>
    /// <param name="length">How long the break lasts from now.</param>
    /// <param name="reason">Who asked for it.</param>
    /// <returns>The state change, if any.</returns>
    public Transition OpenFor(TimeSpan length, CircuitStateChangeReason reason)
        => Locked((length, reason), static (m, a) => m.OpenForLocked(m.Clock.Now, a.length, a.reason));

    /// <summary>Closes an open or half-open circuit because the fleet's closed.</summary>
    /// <returns>The state change, if any.</returns>
    public Transition CloseFromFleet() => Locked(static m => m._word.State is CircuitState.Open or CircuitState.HalfOpen
        ? m.Close(CircuitStateChangeReason.SharedState, m.Clock.Now)
        : Transition.None);

    /// <summary>Gives back the probe slot of a probe the fleet refused: it is never sent and counts as a rejection.</summary>
    /// <param name="ticket">The probe's ticket.</param>
    /// <returns>The rejection, as for a half-open circuit whose slots are all taken.</returns>
    public BrokenCircuitException AbandonProbe(AttemptTicket ticket) => Locked(ticket, static (m, t) => m._admitter.Abandon(t, m.Clock.Now));

    /// <summary>Applies a generated break to the opening of <paramref name="generation"/>, measured from the moment of opening.</summary>
    /// <param name="generation">The generation the opening started.</param>
    /// <param name="generated">The break the generator returned.</param>
    public void ApplyGeneratedBreak(long generation, TimeSpan generated) => Locked((generation, generated), static (m, a) =>
    {
        if (m._word.Generation == a.generation)
        {
            m._break.Resize(a.generated);
        }
    });

    /// <summary>Attaches or detaches the link to the fleet's shared state.</summary>
    /// <param name="fleet">The link, or <see langword="null"/>.</param>
    public void SetFleet(FleetLink? fleet) => Volatile.Write(ref _fleet, fleet);

    public CircuitSnapshot GetSnapshot() => Locked(Clock.Now, static (m, now) => m._health.ToSnapshot(
        m._word.State, m._settings, m._probes, m._fleet, m._word.State == CircuitState.Open ? m._break.Remaining(now) : null, m._word.LastChange, now, m.Clock));

    /// <summary>Runs a cold-path change under the lock (a static lambda: nothing is allocated).</summary>
    private Transition Locked(Func<CircuitStateMachine, Transition> change) => Locked(change, static (m, c) => c(m));

    private TResult Locked<TState, TResult>(TState state, Func<CircuitStateMachine, TState, TResult> change)
    {
        lock (_lock)
        {
            return change(this, state);
        }
    }

    private void Locked<TState>(TState state, Action<CircuitStateMachine, TState> change)
    {
        lock (_lock)
        {
            change(this, state);
        }
    }

    private void Apply(BreakerSettings settings)
    {
        _health.UseWindow(Clock.ToTicks(settings.SamplingDuration));
        _health.UseSlowThreshold(settings.SlowAttemptThreshold is { } slow ? Clock.ToTicks(slow) : null);
        _slowTicks = settings.SlowAttemptThreshold is { } threshold ? Clock.ToTicks(threshold) : long.MaxValue;
        _probes.Resize(settings.HalfOpenMaxProbes);
        _guards.Configure(settings, Clock);
        _rules = new TripRuleSet(settings);
        Volatile.Write(ref _settings, settings);
        _word.Guarded = settings.GuardsClosedAdmission;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private Admission TryAcquireLocked(OperationRecord? operation, int attemptNumber, long now)
    {
        var transition = Advance(now);
        return _admitter.Admit(_word.State, _word.Generation, _settings, operation, attemptNumber, now, transition);
    }

    /// <summary>The state change a request for an attempt causes: an ended break goes half-open, an overdue attempt trips a rule.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Transition Advance(long now) => _word.State switch
    {
        CircuitState.Open when _break.HasEnded(now) => HalfOpen(),
        CircuitState.Closed when _health.HasOverdue(now) => Evaluate(now),
        CircuitState.HalfOpen when _probes.EarliestAdmission(none: long.MaxValue) <= now - _slowTicks =>
            Open(now, TripDecision.Open(CircuitStateChangeReason.SlowAttempts, 1, 1), ++_halfOpenAttempts),
        _ => Transition.None,
    };

    private Transition ReportLocked(in AttemptTicket ticket, OutcomeClass outcomeClass, Exception? exception, long now, TimeSpan? requestedBreak)
    {
        if (ticket.IsShadow)
        {
            _health.CountShadow(outcomeClass);
            return Transition.None;
        }

        // An attempt admitted before the latest transition is counted, but cannot move the circuit of a later generation.
        var current = ticket.Generation == _word.Generation;
        var slow = _health.Count(ticket.Operation, outcomeClass, exception, now, current, ticket.StartedAt);
        if (!current)
        {
            return Transition.None;
        }

        _guards.Count(outcomeClass, now);
        if (requestedBreak is { } pause && _word.State is CircuitState.Closed or CircuitState.HalfOpen)
        {
            return OpenForLocked(now, pause, CircuitStateChangeReason.ServerRequested);
        }

        var isFailure = outcomeClass is OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure;
        if (_word.State == CircuitState.HalfOpen && _probes.Release(ticket))
        {
            return outcomeClass switch
            {
                _ when isFailure => Open(now, TripDecision.Open(CircuitStateChangeReason.ProbeFailed, 1, 1), ++_halfOpenAttempts),
                _ when slow => Open(now, TripDecision.Open(CircuitStateChangeReason.SlowAttempts, 1, 1), ++_halfOpenAttempts),
                OutcomeClass.Success when _probes.CountSuccess() >= _settings.HalfOpenSuccessThreshold => Close(CircuitStateChangeReason.ProbesSucceeded, now),
                _ => Transition.None,
            };
        }

        return _word.State == CircuitState.Closed && (isFailure || slow) ? Evaluate(now) : Transition.None;
    }

    private Transition Evaluate(long now)
    {
        var health = _health.Sample(now, _guards.AdmittedShare(now), _guards.IsShedding(now));
        if (_fleet is { } fleet)
        {
            health = fleet.Merge(health);
        }

        var decision = _rules.Judge(health);
        return decision.Trips ? Open(now, decision, 0) : Transition.None;
    }

    private Transition OpenForLocked(long now, TimeSpan length, CircuitStateChangeReason reason)
    {
        if (length <= TimeSpan.Zero || _word.State == CircuitState.Isolated || (_word.State == CircuitState.Open && _break.LastsUntil(now + Clock.ToTicks(length))))
        {
            return Transition.None;
        }

        var transition = Open(now, TripDecision.Open(reason, 1, 0), 0);
        _break.Start(now, length);
        return transition;
    }

    private Transition Open(long now, in TripDecision decision, int halfOpenAttempts)
    {
        var from = _word.State;
        Enter(CircuitState.Open);
        _break.Start(now, _settings.BreakDuration);
        return Transition.Opened(from, _word.Generation, decision, halfOpenAttempts, _opened.Swap());
    }

    private Transition HalfOpen()
    {
        Enter(CircuitState.HalfOpen);
        return Transition.HalfOpened(_word.Generation);
    }

    private Transition Close(CircuitStateChangeReason reason, long now)
    {
        var from = _word.State;
        Enter(CircuitState.Closed);
        _halfOpenAttempts = 0;
        _health.Reset();
        _guards.OnClosed(afterBreak: reason is CircuitStateChangeReason.ProbesSucceeded or CircuitStateChangeReason.SharedState, now);
        return Transition.Closed(from, _word.Generation, reason);
    }

    private void Enter(CircuitState state)
    {
        _word.Enter(state, Clock.UtcNow);
        _probes.Clear();
        _health.ForgetRunning();
        _guards.OnLeftClosed();
    }
}
