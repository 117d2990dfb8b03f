using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// The state machine of one attempt-aware circuit: closed, open, half-open with a bounded number of probe slots, isolated.
/// One short lock guards every change; the closed-path admission reads the state without it.
/// User callbacks run after the lock is released.
/// </summary>
/// <typeparam name="T">The type of result.</typeparam>
internal sealed class BreakerController<T> : IBreakerControl, ISharedCircuitTarget
{
    private const string OpenMessage = "The circuit is open and is not allowing calls; RetryAfter tells how long the break lasts.";
    private const string HalfOpenMessage = "The circuit is half-open and every probe slot is taken; RetryAfter tells when a slot frees up at the latest.";

    private readonly object _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly ResilienceStrategyTelemetry _telemetry;

    // Settings: written in the constructor and by Reconfigure, both under the lock; read under the lock (or, for the callbacks, once).
    private SlidingWindow _window;
    private TimeSpan _samplingDuration;
    private double _failureRatio;
    private int _minimumThroughput;
    private int _consecutiveFailureThreshold;
    private TimeSpan _breakDuration;
    private Func<BreakDurationGeneratorArguments, ValueTask<TimeSpan>>? _breakDurationGenerator;
    private int _halfOpenSuccessThreshold;
    private Func<OnCircuitOpenedArguments<T>, ValueTask>? _onOpened;
    private Func<OnCircuitClosedArguments<T>, ValueTask>? _onClosed;
    private Func<OnCircuitHalfOpenedArguments, ValueTask>? _onHalfOpened;

    // Half-open probe slots: the lease held in each slot (0 = free) and when it was admitted.
    private long[] _slotLease;
    private long[] _slotAdmittedAt;

    private readonly long[] _totalAttempts = new long[4];
    private readonly long[] _totalOperations = new long[4];
    private long _totalRejections;
    private long _totalProbes;

    // Cancelled when the circuit opens or is isolated, so retries waiting out a delay end at that moment; replaced when it closes or goes half-open.
    private CancellationTokenSource _openedSignal = new();

    private int _state; // CircuitState, read without the lock on the closed path
    private long _generation;
    private long _openUntil;
    private long _leaseTicks;
    private TimeSpan _currentBreak;
    private int _consecutiveFailures;
    private int _probesInFlight;
    private long _nextLeaseId;
    private int _halfOpenSuccesses;
    private int _halfOpenAttempts;
    private long _lastFailureAt; // a timestamp of the breaker's clock; turned into a time of day only for a snapshot
    private bool _hasFailed;
    private Exception? _lastFailureException;
    private DateTimeOffset? _lastStateChange;

    // Shared state (null when the breaker is local): the fleet's window counts and the local counts they already include.
    private ISharedCircuitState? _shared;
    private SharedStateStatus _sharedStatus;
    private bool _fleetKnown;
    private long _fleetSuccesses;
    private long _fleetFailures;
    private OutcomeCounts _fleetIncluded = new(0, 0, 0, 0);

    public BreakerController(AttemptAwareCircuitBreakerStrategyOptions<T> options, TimeProvider timeProvider, ResilienceStrategyTelemetry telemetry)
    {
        _timeProvider = timeProvider;
        _telemetry = telemetry;
        _slotLease = [];
        _slotAdmittedAt = [];
        _window = null!;
        ApplyNeedsLock(options);
        _currentBreak = _breakDuration;
        _leaseTicks = ToTimestampTicks(_breakDuration);
    }

    /// <summary>Gets or sets the breaker's name in its registry, used in state-change notifications.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the receiver of state changes (the registry), or <see langword="null"/>.</summary>
    public Action<CircuitStateChange>? StateChanged { get; set; }

    /// <summary>
    /// Applies new settings (a configuration reload) without losing the circuit's state, counts or probes in flight. The sampling
    /// window restarts only when its duration changes; the current break keeps its length, the next one uses the new settings.
    /// </summary>
    public void Reconfigure(AttemptAwareCircuitBreakerStrategyOptions<T> options)
    {
        lock (_lock)
        {
            ApplyNeedsLock(options);
        }
    }

    private void ApplyNeedsLock(AttemptAwareCircuitBreakerStrategyOptions<T> options)
    {
        _failureRatio = options.FailureRatio;
        _minimumThroughput = options.MinimumThroughput;
        _consecutiveFailureThreshold = options.ConsecutiveFailureThreshold ?? 0;
        _breakDuration = options.BreakDuration;
        _breakDurationGenerator = options.BreakDurationGenerator;
        _halfOpenSuccessThreshold = options.HalfOpenSuccessThreshold;
        _onOpened = options.OnOpened;
        _onClosed = options.OnClosed;
        _onHalfOpened = options.OnHalfOpened;

        if (_window is null || options.SamplingDuration != _samplingDuration)
        {
            _samplingDuration = options.SamplingDuration;
            _window = new SlidingWindow(ToTimestampTicks(options.SamplingDuration));
        }

        if (options.HalfOpenMaxProbes != _slotLease.Length)
        {
            // Probes in flight keep their slots as far as the new count allows; the others report as ordinary attempts.
            var lease = new long[options.HalfOpenMaxProbes];
            var admittedAt = new long[options.HalfOpenMaxProbes];
            var kept = Math.Min(lease.Length, _slotLease.Length);
            Array.Copy(_slotLease, lease, kept);
            Array.Copy(_slotAdmittedAt, admittedAt, kept);
            _slotLease = lease;
            _slotAdmittedAt = admittedAt;
            _probesInFlight = lease.Count(l => l != 0);
        }
    }

    public CircuitState State => (CircuitState)Volatile.Read(ref _state);

    /// <summary>Gets the breaker's clock.</summary>
    public TimeProvider TimeProvider => _timeProvider;

    /// <summary>Gets the current timestamp of the breaker's clock.</summary>
    public long Timestamp => _timeProvider.GetTimestamp();

    public ISharedCircuitState? Shared => _shared;

    public TimeSpan SamplingDuration
    {
        get
        {
            lock (_lock)
            {
                return _samplingDuration;
            }
        }
    }

    public int HalfOpenMaxProbes
    {
        get
        {
            lock (_lock)
            {
                return _slotLease.Length;
            }
        }
    }

    /// <summary>
    /// Gets a token that is cancelled when the circuit next opens or is isolated. Read it while the circuit is closed or half-open.
    /// </summary>
    public CancellationToken OpenedToken => Volatile.Read(ref _openedSignal).Token;

    /// <summary>
    /// Asks for permission to make one attempt. Closed: granted without a lock. Open: rejected until the break ends,
    /// then half-open. Half-open: granted while a probe slot is free (slots whose probe outlived the break are reclaimed).
    /// </summary>
    /// <returns><see langword="true"/> when the attempt may go ahead.</returns>
    public bool TryAcquire(OperationRecord? operation, out AttemptTicket ticket, out ExecutionRejectedException? rejection, out Transition transition)
    {
        var attemptNumber = operation?.Attempts ?? 0;
        transition = Transition.None;
        rejection = null;

        if (Volatile.Read(ref _state) == (int)CircuitState.Closed)
        {
            operation?.Attempts = attemptNumber + 1;
            ticket = new AttemptTicket(operation, attemptNumber, -1, 0);
            return true;
        }

        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            switch ((CircuitState)_state)
            {
                case CircuitState.Closed:
                    operation?.Attempts = attemptNumber + 1;
                    ticket = new AttemptTicket(operation, attemptNumber, -1, 0);
                    return true;

                case CircuitState.Open when now < _openUntil:
                    // A constant message keeps the rejection cheap; RetryAfter carries the time left in the break.
                    var retryAfter = ElapsedTime(now, _openUntil);
                    rejection = _lastFailureException is { } cause
                        ? new BrokenCircuitException(OpenMessage, retryAfter, cause)
                        : new BrokenCircuitException(OpenMessage, retryAfter);
                    break;

                case CircuitState.Open:
                    _state = (int)CircuitState.HalfOpen;
                    _generation++;
                    RenewOpenedSignalNeedsLock();
                    ClearProbesNeedsLock();
                    _lastStateChange = _timeProvider.GetUtcNow();
                    transition = Transition.HalfOpened(_generation);
                    goto case CircuitState.HalfOpen;

                case CircuitState.HalfOpen:
                    if (TryTakeProbeSlot(now, out var slot, out var lease))
                    {
                        operation?.Attempts = attemptNumber + 1;
                        ticket = new AttemptTicket(operation, attemptNumber, slot, lease);
                        return true;
                    }

                    rejection = new BrokenCircuitException(HalfOpenMessage, EarliestLeaseExpiry(now));
                    break;

                default:
                    rejection = new IsolatedCircuitException("The circuit is isolated (held open by manual control) and is not allowing calls.");
                    break;
            }

            _totalRejections++;
            _window.Current(now).Rejections++;
        }

        _telemetry.SetTelemetrySource(rejection);
        ticket = default;
        return false;
    }

    /// <summary>
    /// Records the outcome of an admitted attempt and applies the trip and half-open rules.
    /// </summary>
    /// <returns>The state change the outcome caused, if any; the caller raises its events with <see cref="RaiseAsync"/>.</returns>
    public Transition Report(in AttemptTicket ticket, OutcomeClass outcomeClass, Exception? exception)
        => Report(ticket, outcomeClass, exception, _timeProvider.GetTimestamp());

    /// <summary>
    /// Records the outcome of an admitted attempt, finished at <paramref name="now"/> (a timestamp of the breaker's clock read by the
    /// caller, who reuses it), and applies the trip and half-open rules.
    /// </summary>
    /// <returns>The state change the outcome caused, if any; the caller raises its events with <see cref="RaiseAsync"/>.</returns>
    public Transition Report(in AttemptTicket ticket, OutcomeClass outcomeClass, Exception? exception, long now)
    {
        CancellationTokenSource signal;
        Transition transition;
        lock (_lock)
        {
            signal = _openedSignal;
            transition = ReportNeedsLock(ticket, outcomeClass, exception, now);
        }

        if (transition.Kind == TransitionKind.Opened)
        {
            SignalOpened(signal);
        }

        return transition;
    }

    private Transition ReportNeedsLock(in AttemptTicket ticket, OutcomeClass outcomeClass, Exception? exception, long now)
    {
        var cls = (int)outcomeClass;
        var isFailure = outcomeClass is OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure;
        Count(ticket.Operation, cls, now);

        if (isFailure)
        {
            _consecutiveFailures++;
            _lastFailureAt = now;
            _hasFailed = true;
            _lastFailureException = exception;
        }
        else if (outcomeClass == OutcomeClass.Success && _consecutiveFailures != 0)
        {
            // Written only when it changes: the closed-path admission reads the state next to it without the lock.
            _consecutiveFailures = 0;
        }

        var state = (CircuitState)_state;
        if (state == CircuitState.HalfOpen && ticket.IsProbe && ticket.ProbeSlot < _slotLease.Length && _slotLease[ticket.ProbeSlot] == ticket.LeaseId)
        {
            _slotLease[ticket.ProbeSlot] = 0;
            _probesInFlight--;
            return outcomeClass switch
            {
                OutcomeClass.Success when ++_halfOpenSuccesses >= _halfOpenSuccessThreshold => CloseNeedsLock(CircuitStateChangeReason.ProbesSucceeded),
                OutcomeClass.TransientFailure or OutcomeClass.PermanentFailure => OpenNeedsLock(now, 1, 1, ++_halfOpenAttempts, CircuitStateChangeReason.ProbeFailed),
                _ => Transition.None,
            };
        }

        if (state != CircuitState.Closed || !isFailure)
        {
            return Transition.None;
        }

        if (_consecutiveFailureThreshold > 0 && _consecutiveFailures >= _consecutiveFailureThreshold)
        {
            _window.SumHealth(now, out var successes, out var failures);
            return OpenNeedsLock(now, (double)failures / (successes + failures), _consecutiveFailures, 0, CircuitStateChangeReason.ConsecutiveFailures);
        }

        return EvaluateRatioNeedsLock(now);
    }

    private Transition EvaluateRatioNeedsLock(long now)
    {
        _window.SumHealth(now, out var successes, out var failures);
        if (_fleetKnown)
        {
            // The fleet's window already holds this process's counts up to the last exchange; add what happened here since.
            successes = Math.Max(successes, _fleetSuccesses + _totalAttempts[(int)OutcomeClass.Success] - _fleetIncluded.Successes);
            failures = Math.Max(failures, _fleetFailures + _totalAttempts[(int)OutcomeClass.TransientFailure] + _totalAttempts[(int)OutcomeClass.PermanentFailure] - _fleetIncluded.Failures);
        }

        var throughput = successes + failures;
        var ratio = throughput == 0 ? 0 : (double)failures / throughput;
        return throughput >= _minimumThroughput && ratio >= _failureRatio
            ? OpenNeedsLock(now, ratio, (int)Math.Min(failures, int.MaxValue), 0, CircuitStateChangeReason.FailureRatio)
            : Transition.None;
    }

    /// <summary>
    /// Raises the events of a state change: computes a generated break duration, calls the user's callback, reports telemetry.
    /// </summary>
    public ValueTask RaiseAsync(Transition transition, ResilienceContext context, Outcome<T> outcome)
    {
        if (StateChanged is { } stateChanged && transition.Kind != TransitionKind.None)
        {
            var (from, to) = transition.Kind switch
            {
                TransitionKind.Opened => (transition.Reason == CircuitStateChangeReason.ProbeFailed ? CircuitState.HalfOpen : CircuitState.Closed, CircuitState.Open),
                TransitionKind.Closed => (CircuitState.HalfOpen, CircuitState.Closed),
                _ => (CircuitState.Open, CircuitState.HalfOpen),
            };
            stateChanged(new CircuitStateChange(Name, from, to, transition.Reason, _timeProvider.GetUtcNow()));
        }

        if (_shared is { } shared && transition.Reason != CircuitStateChangeReason.SharedState && transition.Kind != TransitionKind.HalfOpened)
        {
            shared.OnLocalStateChanged(
                transition.Kind == TransitionKind.Opened ? CircuitState.Open : CircuitState.Closed,
                transition.Kind == TransitionKind.Opened ? _timeProvider.GetUtcNow() + CurrentBreak : null);
        }

        return RaiseEventsAsync(transition, context, outcome);
    }

    private ValueTask RaiseEventsAsync(Transition transition, ResilienceContext context, Outcome<T> outcome) => transition.Kind switch
    {
        TransitionKind.Opened => RaiseOpenedAsync(transition, context, outcome, isManual: false),
        TransitionKind.Closed => RaiseClosedAsync(context, outcome, isManual: false),
        TransitionKind.HalfOpened => RaiseHalfOpenedAsync(context),
        _ => default,
    };

    public async ValueTask IsolateAsync(ResilienceContext context)
    {
        var from = IsolateAndReturnPrevious();
        StateChanged?.Invoke(new CircuitStateChange(Name, from, CircuitState.Isolated, CircuitStateChangeReason.ManualIsolate, _timeProvider.GetUtcNow()));

        _telemetry.Report(new(ResilienceEventSeverity.Error, BreakerTelemetry.OnCircuitOpened), context, default(Outcome<T>), new OnCircuitOpenedArguments<T>(context, default, TimeSpan.MaxValue, isManual: true));
        if (_onOpened is { } onOpened)
        {
            await onOpened(new OnCircuitOpenedArguments<T>(context, default, TimeSpan.MaxValue, isManual: true)).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }

    public async ValueTask CloseAsync(ResilienceContext context)
    {
        CircuitState from;
        lock (_lock)
        {
            from = (CircuitState)_state;
            _ = CloseNeedsLock(CircuitStateChangeReason.ManualClose);
        }

        StateChanged?.Invoke(new CircuitStateChange(Name, from, CircuitState.Closed, CircuitStateChangeReason.ManualClose, _timeProvider.GetUtcNow()));

        await RaiseClosedAsync(context, default, isManual: true).ConfigureAwait(context.ContinueOnCapturedContext);
    }

    /// <summary>Puts the circuit into the isolated state without raising events; used when a manual control starts isolated.</summary>
    public void IsolateSilently() => IsolateAndReturnPrevious();

    private CircuitState IsolateAndReturnPrevious()
    {
        CancellationTokenSource signal;
        CircuitState previous;
        lock (_lock)
        {
            previous = (CircuitState)_state;
            signal = _openedSignal;
            _state = (int)CircuitState.Isolated;
            _generation++;
            ClearProbesNeedsLock();
            _lastStateChange = _timeProvider.GetUtcNow();
        }

        SignalOpened(signal);
        return previous;
    }

    public CircuitSnapshot GetSnapshot()
    {
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            _window.Sum(now, out var windowAttempts, out var windowOperations, out var windowRejections);
            var state = (CircuitState)_state;
            TimeSpan? retryAfter = state == CircuitState.Open ? ElapsedTime(now, Math.Max(now, _openUntil)) : null;
            var utcNow = _timeProvider.GetUtcNow();
            DateTimeOffset? lastFailure = _hasFailed ? utcNow - ElapsedTime(_lastFailureAt, now) : null;
            return new CircuitSnapshot(
                state,
                _consecutiveFailures,
                windowAttempts,
                windowOperations,
                windowRejections,
                ToCounts(_totalAttempts),
                ToCounts(_totalOperations),
                _totalRejections,
                _probesInFlight,
                _totalProbes,
                _sharedStatus,
                retryAfter,
                lastFailure,
                _lastFailureException,
                _lastStateChange,
                utcNow);
        }
    }

    private static OutcomeCounts ToCounts(long[] counts) => new(counts[0], counts[1], counts[2], counts[3]);

    private void Count(OperationRecord? operation, int cls, long now)
    {
        var bucket = _window.Current(now);
        bucket.Attempts[cls]++;
        _totalAttempts[cls]++;

        if (operation is null)
        {
            // A single-attempt operation (the gate without a context).
            bucket.Operations[cls]++;
            _totalOperations[cls]++;
            return;
        }

        // An operation is counted once, in the class of its latest attempt: move it out of its previous class.
        if (operation.CountedClass >= 0)
        {
            _totalOperations[operation.CountedClass]--;
            if (_window.Find(operation.CountedBucketId, now) is { } previous)
            {
                previous.Operations[operation.CountedClass]--;
            }
        }

        bucket.Operations[cls]++;
        _totalOperations[cls]++;
        operation.CountedClass = cls;
        operation.CountedBucketId = bucket.Id;
    }

    private bool TryTakeProbeSlot(long now, out int slot, out long lease)
    {
        // A probe that has not reported within the lease (the break duration) gives its slot up, so a hung probe cannot wedge the circuit.
        for (var i = 0; i < _slotLease.Length; i++)
        {
            if (_slotLease[i] != 0 && now - _slotAdmittedAt[i] >= _leaseTicks)
            {
                _slotLease[i] = 0;
                _probesInFlight--;
            }
        }

        for (var i = 0; i < _slotLease.Length; i++)
        {
            if (_slotLease[i] == 0)
            {
                _slotLease[i] = lease = ++_nextLeaseId;
                _slotAdmittedAt[i] = now;
                _probesInFlight++;
                _totalProbes++;
                slot = i;
                return true;
            }
        }

        slot = -1;
        lease = 0;
        return false;
    }

    private TimeSpan EarliestLeaseExpiry(long now)
    {
        var earliest = long.MaxValue;
        foreach (var admittedAt in _slotAdmittedAt)
        {
            earliest = Math.Min(earliest, admittedAt + _leaseTicks);
        }

        return ElapsedTime(now, Math.Max(now, earliest));
    }

    private Transition OpenNeedsLock(long now, double failureRate, int failureCount, int halfOpenAttempts, CircuitStateChangeReason reason)
    {
        _state = (int)CircuitState.Open;
        _generation++;
        _currentBreak = _breakDuration;
        _leaseTicks = ToTimestampTicks(_breakDuration);
        _openUntil = now + _leaseTicks;
        ClearProbesNeedsLock();
        _lastStateChange = _timeProvider.GetUtcNow();
        return Transition.Opened(_generation, failureRate, failureCount, halfOpenAttempts, reason);
    }

    private Transition CloseNeedsLock(CircuitStateChangeReason reason)
    {
        _state = (int)CircuitState.Closed;
        _generation++;
        RenewOpenedSignalNeedsLock();
        _consecutiveFailures = 0;
        _halfOpenAttempts = 0;
        ClearProbesNeedsLock();
        _window.Reset();
        _lastStateChange = _timeProvider.GetUtcNow();
        return Transition.Closed(_generation, reason);
    }

    private void RenewOpenedSignalNeedsLock()
    {
        if (_openedSignal.IsCancellationRequested)
        {
            _openedSignal = new CancellationTokenSource();
        }
    }

    /// <summary>Wakes every retry waiting out a delay. Called after the lock is released: cancellation runs callbacks inline.</summary>
    private void SignalOpened(CancellationTokenSource signal)
    {
        try
        {
            signal.Cancel();
        }
        catch (AggregateException)
        {
            // A waiter's registration threw; the waiters that matter here only observe the token.
        }
    }

    private void ClearProbesNeedsLock()
    {
        Array.Clear(_slotLease, 0, _slotLease.Length);
        _probesInFlight = 0;
        _halfOpenSuccesses = 0;
    }

    private async ValueTask RaiseOpenedAsync(Transition transition, ResilienceContext context, Outcome<T> outcome, bool isManual)
    {
        var breakDuration = _breakDuration;
        if (_breakDurationGenerator is { } generator)
        {
            var generated = await generator(new BreakDurationGeneratorArguments(transition.FailureRate, transition.FailureCount, context, transition.HalfOpenAttempts))
                .ConfigureAwait(context.ContinueOnCapturedContext);
            if (generated > TimeSpan.Zero)
            {
                breakDuration = generated;
                lock (_lock)
                {
                    // The break is measured from the moment of opening; apply it only if no later transition happened meanwhile.
                    if (_generation == transition.Generation)
                    {
                        var ticks = ToTimestampTicks(generated);
                        _openUntil = _openUntil - _leaseTicks + ticks;
                        _leaseTicks = ticks;
                        _currentBreak = generated;
                    }
                }
            }
        }

        var args = new OnCircuitOpenedArguments<T>(context, outcome, breakDuration, isManual);
        _telemetry.Report(new(ResilienceEventSeverity.Error, BreakerTelemetry.OnCircuitOpened), context, outcome, args);
        if (_onOpened is { } onOpened)
        {
            await onOpened(args).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }

    private async ValueTask RaiseClosedAsync(ResilienceContext context, Outcome<T> outcome, bool isManual)
    {
        var args = new OnCircuitClosedArguments<T>(context, outcome, isManual);
        _telemetry.Report(new(ResilienceEventSeverity.Information, BreakerTelemetry.OnCircuitClosed), context, outcome, args);
        if (_onClosed is { } onClosed)
        {
            await onClosed(args).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }

    private async ValueTask RaiseHalfOpenedAsync(ResilienceContext context)
    {
        var args = new OnCircuitHalfOpenedArguments(context);
        _telemetry.Report(new(ResilienceEventSeverity.Warning, BreakerTelemetry.OnCircuitHalfOpened), context, args);
        if (_onHalfOpened is { } onHalfOpened)
        {
            await onHalfOpened(args).ConfigureAwait(context.ContinueOnCapturedContext);
        }
    }

    private long ToTimestampTicks(TimeSpan time)
        => (long)(time.Ticks * ((double)_timeProvider.TimestampFrequency / TimeSpan.TicksPerSecond));

    private TimeSpan ElapsedTime(long from, long to) => _timeProvider.GetElapsedTime(from, to);

    public void AttachShared(ISharedCircuitState shared)
    {
        lock (_lock)
        {
            _shared = shared;
            _sharedStatus = SharedStateStatus.Connected;
        }
    }

    public void DetachShared()
    {
        ISharedCircuitState? shared;
        lock (_lock)
        {
            shared = _shared;
            _shared = null;
            _fleetKnown = false;
            _sharedStatus = SharedStateStatus.None;
        }

        shared?.Dispose();
    }

    public OutcomeCounts LocalAttempts()
    {
        lock (_lock)
        {
            return ToCounts(_totalAttempts);
        }
    }

    public void ApplyFleetWindow(long successes, long failures, OutcomeCounts includedLocal)
    {
        Transition transition;
        CancellationTokenSource signal;
        lock (_lock)
        {
            _fleetKnown = true;
            _fleetSuccesses = successes;
            _fleetFailures = failures;
            _fleetIncluded = includedLocal;
            signal = _openedSignal;
            transition = _state == (int)CircuitState.Closed ? EvaluateRatioNeedsLock(_timeProvider.GetTimestamp()) : Transition.None;
        }

        Apply(transition, signal);
    }

    public void ApplyFleetOpened(DateTimeOffset openUntil)
    {
        Transition transition;
        CancellationTokenSource signal;
        lock (_lock)
        {
            var remaining = openUntil - _timeProvider.GetUtcNow();
            var now = _timeProvider.GetTimestamp();
            var until = now + ToTimestampTicks(remaining);
            if (remaining <= TimeSpan.Zero || _state == (int)CircuitState.Isolated || (_state == (int)CircuitState.Open && _openUntil >= until - ToTimestampTicks(TimeSpan.FromMilliseconds(1))))
            {
                return;
            }

            signal = _openedSignal;
            transition = OpenNeedsLock(now, 1, 0, 0, CircuitStateChangeReason.SharedState);
            _openUntil = until;
            _leaseTicks = ToTimestampTicks(remaining);
            _currentBreak = remaining;
        }

        Apply(transition, signal);
    }

    public void ApplyFleetClosed()
    {
        Transition transition;
        lock (_lock)
        {
            if (_state is not ((int)CircuitState.Open or (int)CircuitState.HalfOpen))
            {
                return;
            }

            transition = CloseNeedsLock(CircuitStateChangeReason.SharedState);
        }

        Apply(transition, signal: null);
    }

    public void SetSharedStatus(SharedStateStatus status, Exception? error)
    {
        lock (_lock)
        {
            if (_sharedStatus == status)
            {
                return;
            }

            _sharedStatus = status;
            if (status != SharedStateStatus.Connected)
            {
                // Without fresh fleet counts the ratio rule judges the local window alone.
                _fleetKnown = false;
            }
        }

        var context = ResilienceContextPool.Shared.Get();
        try
        {
            if (status == SharedStateStatus.Degraded)
            {
                _telemetry.Report(new(ResilienceEventSeverity.Warning, BreakerTelemetry.OnSharedStateDegraded), context, Outcome.FromException<T>(error!), new SharedStateArguments(status, error));
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

    /// <summary>Gives back a probe slot whose fleet-wide slot was refused: the attempt is never sent and counts as a rejection.</summary>
    public void AbandonProbe(in AttemptTicket ticket)
    {
        lock (_lock)
        {
            if (ticket.ProbeSlot < _slotLease.Length && _slotLease[ticket.ProbeSlot] == ticket.LeaseId)
            {
                _slotLease[ticket.ProbeSlot] = 0;
                _probesInFlight--;
            }

            _totalProbes--;
            _totalRejections++;
            _window.Current(_timeProvider.GetTimestamp()).Rejections++;
            ticket.Operation?.Attempts = ticket.AttemptNumber;
        }
    }

    public BrokenCircuitException FleetProbeRejection() => new(HalfOpenMessage, CurrentBreak);

    private void Apply(Transition transition, CancellationTokenSource? signal)
    {
        if (transition.Kind == TransitionKind.None)
        {
            return;
        }

        if (transition.Kind == TransitionKind.Opened && signal is not null)
        {
            SignalOpened(signal);
        }

        _ = RaiseDetachedAsync(transition);
    }

    private async Task RaiseDetachedAsync(Transition transition)
    {
        // A change that no call caused (the fleet's view arrived): events and callbacks run here, with a context of their own.
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

    /// <summary>Gets the length of the current break; used by tests and diagnostics.</summary>
    internal TimeSpan CurrentBreak
    {
        get
        {
            lock (_lock)
            {
                return _currentBreak;
            }
        }
    }
}
