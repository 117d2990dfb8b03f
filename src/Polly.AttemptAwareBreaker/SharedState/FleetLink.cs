using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;
using Polly.AttemptAwareBreaker.CircuitBreaker.Health;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.SharedState;

/// <summary>
/// Everything about a circuit shared with other processes: the link to the shared store, the fleet's window counts and the local
/// counts they already include, the store's status, openings and closings in both directions, and fleet-wide probe slots.
/// Its fields are guarded by a lock of its own, taken inside the state machine's lock or alone; the store is called outside both.
/// </summary>
internal sealed class FleetLink : IDisposable
{
    private readonly CircuitStateMachine _machine;
    private readonly ICircuitEventSink _events;
    private readonly object _lock = new();
    private ISharedCircuitState? _shared;
    private SharedStateStatus _status = SharedStateStatus.Connected;
    private bool _known;
    private long _successes;
    private long _failures;
    private OutcomeCounts _included;

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

    /// <summary>Gets the local attempts since the breaker was created.</summary>
    /// <returns>The counts by class.</returns>
    public OutcomeCounts LocalAttempts() => _machine.TotalAttempts();

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

    /// <summary>
    /// Adds the fleet's view to the local health: the fleet's window already holds this process's counts up to the last exchange, so
    /// the local attempts since then are added. Called by the state machine under its lock.
    /// </summary>
    /// <param name="local">The local health.</param>
    /// <param name="localTotals">The local attempts since the breaker was created.</param>
    /// <returns>The health the rules judge.</returns>
    public HealthSample Merge(in HealthSample local, OutcomeCounts localTotals)
    {
        lock (_lock)
        {
            if (!_known)
            {
                return local;
            }

            var successes = Math.Max(local.Successes, _successes + localTotals.Successes - _included.Successes);
            var failures = Math.Max(local.Failures, _failures + localTotals.Failures - _included.Failures);
            return local.WithCounts(successes, failures);
        }
    }

    /// <summary>
    /// Asks the fleet for a probe slot before a local probe is sent. Refused: the local slot is given back and the attempt is rejected.
    /// The store not answering: the probe goes ahead on the local decision.
    /// </summary>
    /// <param name="ticket">The local probe's ticket.</param>
    /// <param name="context">The attempt's context.</param>
    /// <returns>The probe's ticket with its fleet slot, or the rejection.</returns>
    public async ValueTask<Admission> AdmitProbeAsync(AttemptTicket ticket, ResilienceContext context)
    {
        int? slot;
        try
        {
            slot = await _shared!.TryAcquireProbeAsync(_machine.CurrentBreak, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
        }
#pragma warning disable CA1031 // The shared store must never fail a call: without it the breaker decides alone.
        catch (Exception)
        {
            slot = -1;
        }
#pragma warning restore CA1031

        if (slot is { } taken)
        {
            return new Admission(ticket.WithFleetSlot(taken));
        }

        return new Admission(_machine.AbandonProbe(ticket));
    }

    /// <summary>Gives a fleet probe slot back after the probe finished.</summary>
    /// <param name="slot">The slot.</param>
    public void ReleaseProbe(int slot) => _shared?.ReleaseProbe(slot);

    /// <summary>Tells the fleet that the local rules opened or closed the circuit (changes that came from the fleet are not sent back).</summary>
    /// <param name="transition">The state change.</param>
    public void Publish(in Transition transition)
    {
        if (_shared is null
            || transition.Kind is not (TransitionKind.Opened or TransitionKind.Closed)
            || transition.Reason is CircuitStateChangeReason.SharedState or CircuitStateChangeReason.ManualClose)
        {
            return;
        }

        var opened = transition.Kind == TransitionKind.Opened;
        _shared.OnLocalStateChanged(opened ? CircuitState.Open : CircuitState.Closed, opened ? _machine.Clock.UtcNow + _machine.CurrentBreak : null);
    }

    /// <summary>Applies the fleet's window counts and judges the rules on them.</summary>
    /// <param name="successes">The fleet's successful attempts in the window.</param>
    /// <param name="failures">The fleet's failed attempts in the window.</param>
    /// <param name="includedLocal">The local counts already part of the fleet's.</param>
    public void ApplyWindow(long successes, long failures, OutcomeCounts includedLocal)
    {
        lock (_lock)
        {
            _known = true;
            _successes = successes;
            _failures = failures;
            _included = includedLocal;
        }

        Raise(_machine.Reevaluate());
    }

    /// <summary>Opens the local circuit until the fleet's break ends.</summary>
    /// <param name="openUntil">When the fleet's break ends.</param>
    public void ApplyOpened(DateTimeOffset openUntil) => Raise(_machine.OpenFor(openUntil - _machine.Clock.UtcNow, CircuitStateChangeReason.SharedState));

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
                _known = false;
            }
        }

        _events.ReportSharedStatus(status, error);
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

    private void Raise(Transition transition)
    {
        if (transition.Kind != TransitionKind.None)
        {
            _events.RaiseDetached(transition);
        }
    }
}
