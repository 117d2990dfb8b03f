using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.SharedState;

/// <summary>
/// Everything about a circuit shared with other processes: the link to the shared store, the other instances' health and the quorum
/// judged on it, the store's status, openings and closings in both directions (local ones stay local), and fleet-wide probe slots.
/// Its fields are guarded by a lock of its own, taken inside the state machine's lock or alone; the store is called outside both.
/// </summary>
internal sealed class FleetLink : IDisposable
{
    private readonly CircuitStateMachine _machine;
    private readonly ICircuitEventSink _events;
    private readonly SyncLock _lock = new();
    private readonly FleetJudge _others = new();
    private ISharedCircuitState? _shared;
    private SharedStateStatus _status = SharedStateStatus.Connected;
    private long _degradedSince;
    private int _minimumFailing = 1;

    // The latest judgement (made whenever the rules judge the closed circuit) and the scope of the current opening.
    private bool _judged;
    private int _active;
    private int _failing;
    private bool _fleetWide = true;
    private CircuitOpenScope _scope;

    private FleetLink(CircuitStateMachine machine, ICircuitEventSink events)
    {
        _machine = machine;
        _events = events;
    }

    /// <summary>Gets the store's status.</summary>
    public SharedStateStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _status;
            }
        }
    }

    /// <summary>Gets the sampling duration the rules judge.</summary>
    public TimeSpan SamplingDuration => _machine.Settings.SamplingDuration;

    /// <summary>Gets the number of probes the half-open circuit admits at once.</summary>
    public int HalfOpenMaxProbes => _machine.Settings.HalfOpenMaxProbes;

    /// <summary>Gets or sets how many instances must be failing on their own attempts for the circuit to open fleet-wide.</summary>
    public int MinimumFailingInstances
    {
        get
        {
            lock (_lock)
            {
                return _minimumFailing;
            }
        }

        set
        {
            lock (_lock)
            {
                _minimumFailing = value;
            }
        }
    }

    /// <summary>Links a circuit to the shared state <paramref name="factory"/> creates for it.</summary>
    /// <param name="machine">The circuit.</param>
    /// <param name="events">Raises the events of the changes the fleet causes.</param>
    /// <param name="factory">The shared state's factory.</param>
    /// <param name="name">The breaker's name, the same in every process.</param>
    /// <returns>The link, attached to the circuit.</returns>
    public static FleetLink Connect(CircuitStateMachine machine, ICircuitEventSink events, ISharedCircuitStateFactory factory, string name)
    {
        var link = new FleetLink(machine, events);
        machine.SetFleet(link);
        link._shared = factory.Create(new SharedCircuitHost(name, machine.Clock.TimeProvider, link));
        return link;
    }

    /// <summary>Gets this instance's share of the fleet's health: its window since the circuit last closed, its run of failures and its state.</summary>
    /// <returns>The counts.</returns>
    public InstanceHealth LocalHealth()
    {
        var snapshot = _machine.GetSnapshot();
        var window = snapshot.WindowAttempts;
        return new InstanceHealth(window.Successes, window.Failures, snapshot.WindowSlowAttempts, snapshot.ConsecutiveFailures, snapshot.State != CircuitState.Closed);
    }

    /// <summary>
    /// Judges the quorum and gives the rules what they judge: the fleet's counts (the other instances' as of the latest exchange plus this
    /// one's) when the quorum is reached, this instance's own otherwise, so that an opening it causes is fleet-wide or local accordingly.
    /// Called by the state machine under its lock.
    /// </summary>
    /// <param name="local">This instance's health.</param>
    /// <returns>The health the rules judge.</returns>
    public HealthSample Merge(in HealthSample local)
    {
        lock (_lock)
        {
            var settings = _machine.Settings;
            var selfActive = local.Throughput > 0;
            _active = _others.Active + (selfActive ? 1 : 0);
            _failing = _others.OthersFailing(selfActive) + (_others.IsFailing(local, _active, settings) ? 1 : 0);
            _judged = true;

            // Quorum 1 is the fleet's counts alone; without the store's view (no exchange yet, or forgotten), the others count nothing.
            _fleetWide = _minimumFailing <= 1 || _failing >= _minimumFailing;
            return _fleetWide ? local.Plus(_others.Successes, _others.Failures, _others.Slow) : local;
        }
    }

    /// <summary>
    /// Asks the fleet for a probe slot before a local probe is sent, whatever the opening's scope: the instances that opened on their own
    /// before they could see each other's failures probe within the fleet's count too. Refused: the local slot is given back and the
    /// attempt is rejected. The store not answering (now, or reported degraded): refused too, until it has not answered for a whole
    /// sampling duration, after which the probe goes ahead on the local decision (the fleet's probe count can no longer be kept).
    /// </summary>
    /// <param name="ticket">The local probe's ticket.</param>
    /// <param name="context">The attempt's context.</param>
    /// <returns>The probe's ticket with its fleet slot, or the rejection.</returns>
    public async ValueTask<Admission> AdmitProbeAsync(AttemptTicket ticket, ResilienceContext context)
    {
        int? slot = -1;
        if (Status != SharedStateStatus.Degraded)
        {
            try
            {
                // A break imposed by the fleet may be the last moments of the opener's: the lease is at least the configured break.
                var lease = _machine.CurrentBreak > _machine.Settings.BreakDuration ? _machine.CurrentBreak : _machine.Settings.BreakDuration;
                slot = await _shared!.TryAcquireProbeAsync(lease, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            }
#pragma warning disable CA1031 // The shared store must never fail a call: a probe it cannot grant is refused.
            catch (Exception)
            {
                slot = -1;
            }
#pragma warning restore CA1031
        }

        return slot switch
        {
            >= 0 => new Admission(ticket.WithFleetSlot(slot.Value)),
            -1 when UnreachableForAWindow() => new Admission(ticket),
            _ => new Admission(_machine.AbandonProbe(ticket)),
        };
    }

    /// <summary>Gives a fleet probe slot back after the probe finished.</summary>
    /// <param name="slot">The slot.</param>
    public void ReleaseProbe(int slot) => _shared?.ReleaseProbe(slot);

    /// <summary>
    /// Decides the scope of an opening or closing the local rules caused and tells the fleet of the fleet-wide ones (changes that came
    /// from the fleet are not sent back). An opening is fleet-wide when the quorum was reached when the rules tripped (a half-open
    /// circuit that opens again keeps its scope); it is reported in telemetry either way. A closing is sent when the opening was
    /// fleet-wide.
    /// </summary>
    /// <param name="transition">The state change.</param>
    public void Publish(Transition transition)
    {
        if (_shared is not { } shared)
        {
            return;
        }

        if (transition.Kind == TransitionKind.Opened && transition.Reason != CircuitStateChangeReason.SharedState)
        {
            var fleetWide = ScopeOpening(transition, out var quorum);
            _events.ReportOpeningScope(fleetWide, quorum);
            if (fleetWide && OpenUntil() is { } until)
            {
                shared.OnLocalStateChanged(CircuitState.Open, until);
            }
        }
        else if (transition.Kind == TransitionKind.Closed)
        {
            bool send;
            lock (_lock)
            {
                send = (_scope == CircuitOpenScope.FleetWide || _minimumFailing <= 1)
                    && transition.Reason is not (CircuitStateChangeReason.SharedState or CircuitStateChangeReason.ManualClose);
                _scope = CircuitOpenScope.None;
            }

            if (send)
            {
                shared.OnLocalStateChanged(CircuitState.Closed, null);
            }
        }
    }

    /// <summary>
    /// Applies the other instances' health and judges the rules on it. A circuit open locally whose failures, with the others', make the
    /// quorum (the instances opened on their own while the store did not answer, or one after the other) joins the fleet's scope: its
    /// probes take fleet slots and its closing is published.
    /// </summary>
    /// <param name="others">The other instances' health.</param>
    public void ApplyFleetHealth(IReadOnlyList<InstanceHealth> others)
    {
        var open = _machine.State is CircuitState.Open or CircuitState.HalfOpen;
        lock (_lock)
        {
            _others.Update(others, _machine.Settings);
            if (open && _scope == CircuitOpenScope.Local && _others.OthersFailing(selfActive: true) + 1 >= _minimumFailing)
            {
                _scope = CircuitOpenScope.FleetWide;
            }
        }

        Raise(_machine.Reevaluate());
    }

    /// <summary>Opens the local circuit until the fleet's break ends.</summary>
    /// <param name="openUntil">When the fleet's break ends.</param>
    public void ApplyOpened(DateTimeOffset openUntil)
    {
        var transition = _machine.OpenFor(openUntil - _machine.Clock.UtcNow, CircuitStateChangeReason.SharedState);
        if (_machine.State is CircuitState.Open or CircuitState.HalfOpen)
        {
            // Open by the fleet (or already open longer by itself while the fleet is): its probes and its closing are the fleet's.
            lock (_lock)
            {
                _scope = CircuitOpenScope.FleetWide;
            }
        }

        Raise(transition);
    }

    /// <summary>Closes the local circuit because the fleet's closed.</summary>
    public void ApplyClosed() => Raise(_machine.CloseFromFleet());

    /// <summary>Records whether the store answers; reported in telemetry once per change.</summary>
    /// <param name="status">The new status.</param>
    /// <param name="error">What failed, when degraded.</param>
    public void SetStatus(SharedStateStatus status, Exception? error)
    {
        lock (_lock)
        {
            if (_status == status)
            {
                return;
            }

            _status = status;
            if (status != SharedStateStatus.Connected)
            {
                // Without fresh fleet counts the rules judge the local window alone.
                _others.Clear();
                _degradedSince = _machine.Clock.Now;
            }
        }

        _events.ReportSharedStatus(status, error);
    }

    /// <summary>Gets the scope of the circuit's current state, for a snapshot. Called by the state machine under its lock.</summary>
    /// <param name="state">The circuit's state.</param>
    /// <returns>The scope.</returns>
    public CircuitOpenScope ScopeOf(CircuitState state)
    {
        lock (_lock)
        {
            return state switch
            {
                CircuitState.Closed => CircuitOpenScope.None,
                CircuitState.Isolated => CircuitOpenScope.Local,

                // Between an opening and its events, the judgement that caused it tells.
                _ when _scope == CircuitOpenScope.None => _fleetWide ? CircuitOpenScope.FleetWide : CircuitOpenScope.Local,
                _ => _scope,
            };
        }
    }

    /// <summary>Gets the latest judgement of the quorum, for a snapshot.</summary>
    /// <returns>The quorum, or <see langword="null"/> before the rules first judged the circuit.</returns>
    public FleetQuorum? Quorum()
    {
        lock (_lock)
        {
            return _judged ? new FleetQuorum(_active, _failing, _minimumFailing) : null;
        }
    }

    /// <summary>Detaches the link from the circuit and disposes the shared state.</summary>
    public void Dispose()
    {
        if (ReferenceEquals(_machine.Fleet, this))
        {
            _machine.SetFleet(null);
        }

        Interlocked.Exchange(ref _shared, null)?.Dispose();
    }

    private static bool IsTripRule(CircuitStateChangeReason reason)
        => reason is CircuitStateChangeReason.FailureRatio or CircuitStateChangeReason.ConsecutiveFailures or CircuitStateChangeReason.SlowAttempts;

    private bool ScopeOpening(Transition transition, out FleetQuorum quorum)
    {
        lock (_lock)
        {
            var fleetWide = transition.From switch
            {
                // A half-open circuit that opens again stays in the scope its break had.
                CircuitState.HalfOpen when _scope != CircuitOpenScope.None => _scope == CircuitOpenScope.FleetWide,
                CircuitState.HalfOpen => _minimumFailing <= 1,
                _ when IsTripRule(transition.Reason) => _fleetWide,

                // Any other opening (not decided by the trip rules) is the fleet's, as before quorums existed.
                _ => true,
            };
            _scope = fleetWide ? CircuitOpenScope.FleetWide : CircuitOpenScope.Local;
            quorum = new FleetQuorum(_active, _failing, _minimumFailing);
            return fleetWide;
        }
    }

    private DateTimeOffset? OpenUntil()
    {
        // The break measured from the moment of opening, with the length the generator gave it.
        var snapshot = _machine.GetSnapshot();
        return snapshot.State == CircuitState.Open && snapshot.RetryAfter is { Ticks: > 0 } left ? snapshot.Timestamp + left : null;
    }

    private bool UnreachableForAWindow()
    {
        lock (_lock)
        {
            return _status == SharedStateStatus.Degraded
                && _machine.Clock.Elapsed(_degradedSince, _machine.Clock.Now) >= _machine.Settings.SamplingDuration;
        }
    }

    private void Raise(Transition transition)
    {
        if (transition.Kind != TransitionKind.None)
        {
            _events.RaiseDetached(transition);
        }
    }
}
