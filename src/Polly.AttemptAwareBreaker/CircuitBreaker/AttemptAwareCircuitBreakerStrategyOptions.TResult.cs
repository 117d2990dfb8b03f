using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The options of the attempt-aware circuit breaker.
/// </summary>
/// <typeparam name="TResult">The type of result the circuit breaker handles.</typeparam>
/// <remarks>
/// The shape and defaults follow Polly's <see cref="CircuitBreakerStrategyOptions{TResult}"/>; the additions are
/// <see cref="Classifier"/>, <see cref="ConsecutiveFailureThreshold"/>, <see cref="HalfOpenMaxProbes"/>,
/// <see cref="HalfOpenSuccessThreshold"/>, and the rules for partial failures, all off by default: slow attempts
/// (<see cref="SlowAttemptThreshold"/>), <see cref="AdaptiveThrottling"/> and a gradual recovery (<see cref="RecoveryRampDuration"/>).
/// Every count is a count of downstream attempts, with or without retries.
/// </remarks>
public class AttemptAwareCircuitBreakerStrategyOptions<TResult> : ResilienceStrategyOptions, IValidatableObject
{
    /// <summary>
    /// The default name of the strategy.
    /// </summary>
    public const string DefaultName = "AttemptAwareCircuitBreaker";

    /// <summary>
    /// Initializes a new instance of the <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}"/> class.
    /// </summary>
    public AttemptAwareCircuitBreakerStrategyOptions() => Name = DefaultName;

    /// <summary>
    /// Gets or sets the failure ratio at which the circuit opens: failed attempts divided by counted attempts
    /// (successes and failures; ignored attempts are not counted) within <see cref="SamplingDuration"/>.
    /// </summary>
    /// <value>A ratio from 0 to 1. The default value is 0.1 (10 %), as in Polly.</value>
    [ValueRange(0, 1.0)]
    public double FailureRatio { get; set; } = 0.1;

    /// <summary>
    /// Gets or sets the minimum number of counted attempts within <see cref="SamplingDuration"/> before the failure ratio can open the circuit.
    /// </summary>
    /// <value>The default value is 100, as in Polly. The value must be 2 or greater.</value>
    [ValueRange(2, int.MaxValue)]
    public int MinimumThroughput { get; set; } = 100;

    /// <summary>
    /// Gets or sets the length of the sliding window over which the failure ratio is computed.
    /// </summary>
    /// <value>The default value is 30 seconds, as in Polly. The value must be between 0.5 seconds and 1 day.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long the circuit stays open before it admits half-open probes. Measured from the moment the circuit opens.
    /// </summary>
    /// <value>The default value is 5 seconds, as in Polly. The value must be between 0.5 seconds and 1 day.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets a generator of the break duration, for example to back off exponentially while the downstream stays down.
    /// When it returns a value of zero or less, <see cref="BreakDuration"/> is used.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: every break lasts <see cref="BreakDuration"/>.</value>
    public Func<BreakDurationGeneratorArguments, ValueTask<TimeSpan>>? BreakDurationGenerator { get; set; }

    /// <summary>
    /// Gets or sets the number of consecutive failed attempts that opens the circuit, whatever the failure ratio.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (the rule is off). When set, it must be 1 or greater.</value>
    [ValueRange(1, int.MaxValue)]
    public int? ConsecutiveFailureThreshold { get; set; }

    /// <summary>
    /// Gets or sets how many probe attempts the half-open circuit admits at once. Every other caller is rejected while they run.
    /// </summary>
    /// <value>The default value is 1. The value must be between 1 and 1000.</value>
    [ValueRange(1, 1000)]
    public int HalfOpenMaxProbes { get; set; } = 1;

    /// <summary>
    /// Gets or sets how many successful probes close the circuit. Any failed probe opens it again with a fresh break.
    /// </summary>
    /// <value>The default value is 1. The value must be between 1 and 1000.</value>
    [ValueRange(1, 1000)]
    public int HalfOpenSuccessThreshold { get; set; } = 1;

    /// <summary>
    /// Gets or sets the duration from which an attempt counts as slow, besides its class (a slow success is still a success for the retry).
    /// The circuit opens when slow attempts make up <see cref="SlowAttemptRatio"/> of the counted attempts in the sampling window, with
    /// at least <see cref="MinimumThroughput"/> of them. An attempt still running past the threshold counts as slow from that moment, so a
    /// downstream that hangs opens the circuit within about the threshold. A half-open probe that takes this long fails.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (the rule is off). When set, it must be between 1 millisecond and 1 day; with
    /// attempt timeouts, set it below the attempt timeout.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan? SlowAttemptThreshold { get; set; }

    /// <summary>
    /// Gets or sets the share of slow attempts among the counted attempts in the sampling window at which the circuit opens.
    /// </summary>
    /// <value>The default value is 1.0 (100 %), as resilience4j's <c>slowCallRateThreshold</c>. The value must be between 0 and 1.</value>
    [ValueRange(0.0, 1.0)]
    public double SlowAttemptRatio { get; set; } = 1.0;

    /// <summary>
    /// Gets or sets client-side adaptive throttling: while the circuit is closed, attempts are rejected locally with a probability that
    /// grows as the downstream accepts fewer of them, shedding just enough load for an overloaded downstream to keep serving.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (off).</value>
    public AdaptiveThrottlingOptions? AdaptiveThrottling { get; set; }

    /// <summary>
    /// Gets or sets how long a recovering downstream gets to take its full load back: after the circuit closes from half-open, the share
    /// of attempts admitted ramps from <see cref="RecoveryRampFloor"/> to 100 % over this time; the others are rejected like an open
    /// circuit's. During the ramp a failure ratio of <see cref="FailureRatio"/> opens the circuit again once the window holds the
    /// ramp's share of <see cref="MinimumThroughput"/> (at least 2).
    /// </summary>
    /// <value>The default value is <see langword="null"/> (off: the circuit closes to full traffic). When set, it must be between
    /// 0.5 seconds and 1 day.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan? RecoveryRampDuration { get; set; }

    /// <summary>
    /// Gets or sets the share of attempts admitted when a recovery ramp starts.
    /// </summary>
    /// <value>The default value is 0.1 (10 %). The value must be between 0.01 and 1.</value>
    [ValueRange(0.01, 1.0)]
    public double RecoveryRampFloor { get; set; } = 0.1;

    /// <summary>
    /// Gets or sets whether the breaker acts on its decisions (<see cref="CircuitBreakerEnforcement.Enforcing"/>) or only reports what it
    /// would do (<see cref="CircuitBreakerEnforcement.Shadow"/>): in shadow mode it counts, trips, probes and reports exactly as when
    /// enforcing, marked as shadow, but admits every attempt. A reload can switch between the two; counts and state are kept.
    /// </summary>
    /// <value>The default value is <see cref="CircuitBreakerEnforcement.Enforcing"/>.</value>
    [EnumDataType(typeof(CircuitBreakerEnforcement))]
    public CircuitBreakerEnforcement Enforcement { get; set; } = CircuitBreakerEnforcement.Enforcing;

    /// <summary>
    /// Gets or sets a generator that reads, from an attempt's outcome, a pause the downstream asks for (the HTTP package reads
    /// <c>Retry-After</c> of a 429 or 503). A pause of at least <see cref="RequestedBreakMinimum"/> opens the circuit for that long,
    /// at most <see cref="RequestedBreakMaximum"/>, with the reason <see cref="CircuitStateChangeReason.ServerRequested"/>; the
    /// rejections' <c>RetryAfter</c> tells callers the same time. <see langword="null"/> from the generator means no pause.
    /// </summary>
    /// <value>The default value is <see langword="null"/> (off).</value>
    public Func<RequestedBreakArguments<TResult>, ValueTask<TimeSpan?>>? RequestedBreakGenerator { get; set; }

    /// <summary>
    /// Gets or sets the shortest pause asked for by the downstream that opens the circuit; shorter ones are left to the retry.
    /// </summary>
    /// <value>The default value is 1 second. The value must be between 0 and 1 day, and at most <see cref="RequestedBreakMaximum"/>.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RequestedBreakMinimum { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets the longest break a pause asked for by the downstream gives the circuit; longer pauses are cut to it.
    /// </summary>
    /// <value>The default value is 5 minutes. The value must be between 0.5 seconds and 1 day.</value>
    [ValueRange(typeof(TimeSpan), "00:00:00.500", "1.00:00:00")]
    public TimeSpan RequestedBreakMaximum { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the source of randomness of <see cref="AdaptiveThrottling"/> and the recovery ramp: a number from 0 (inclusive) to 1
    /// (exclusive) for each decision. Tests set a deterministic one.
    /// </summary>
    /// <value>The default is a thread-safe shared random generator. This property is required.</value>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [Required]
    public Func<double> Randomizer { get; set; } = RandomSource.NextDouble;

    /// <summary>
    /// Gets or sets the classifier that sorts every attempt's outcome into an <see cref="OutcomeClass"/>.
    /// </summary>
    /// <value>
    /// The default is <see cref="OutcomeClassifiers.Default{TResult}"/>: results succeed, the caller's cancellation is ignored,
    /// any other exception is a transient failure. This property is required.
    /// </value>
    /// <remarks>
    /// A classifier that throws makes the attempt a <see cref="OutcomeClass.PermanentFailure"/> whose outcome is the classifier's exception;
    /// it is reported in telemetry and never leaves a half-open probe slot taken.
    /// </remarks>
    [Required]
    public Func<OutcomeClassifierArguments<TResult>, ValueTask<OutcomeClass>> Classifier { get; set; } = OutcomeClassifiers.Default;

    /// <summary>
    /// Gets or sets the event raised when the circuit opens.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<OnCircuitOpenedArguments<TResult>, ValueTask>? OnOpened { get; set; }

    /// <summary>
    /// Gets or sets the event raised when the circuit closes.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<OnCircuitClosedArguments<TResult>, ValueTask>? OnClosed { get; set; }

    /// <summary>
    /// Gets or sets the event raised when the circuit goes half-open.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Func<OnCircuitHalfOpenedArguments, ValueTask>? OnHalfOpened { get; set; }

    /// <summary>
    /// Gets or sets the state provider, which reads the circuit's state and statistics.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public AttemptAwareCircuitBreakerStateProvider? StateProvider { get; set; }

    /// <summary>
    /// Gets or sets the manual control, which isolates (forces open) or closes the circuit.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public AttemptAwareCircuitBreakerManualControl? ManualControl { get; set; }

    /// <summary>
    /// Gets or sets the registry that names this breaker, lists it for operators and keeps its circuit running across configuration
    /// reloads (a pipeline rebuilt under the same name takes the circuit over with the new settings).
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the breaker is not registered and a rebuilt pipeline starts with a new circuit.
    /// The HTTP package's handler and the dependency-injection helpers set the application's registry.</value>
    public AttemptAwareCircuitBreakerRegistry? Registry { get; set; }

    /// <summary>
    /// Gets or sets the circuit state shared with other processes running the same pipeline (for example through Redis with
    /// <c>Polly.AttemptAwareBreaker.Redis</c>), so a fleet trips on its combined attempts, opens together and probes as one.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the circuit is this process's own.</value>
    public ISharedCircuitStateFactory? SharedState { get; set; }

    /// <summary>
    /// Validates what the attributes cannot: <see cref="RequestedBreakMinimum"/> at most <see cref="RequestedBreakMaximum"/>,
    /// <see cref="FailureRatio"/> above the failure share adaptive throttling holds (1 − 1/K), and the nested <see cref="AdaptiveThrottling"/> options.
    /// </summary>
    /// <param name="validationContext">The validation context.</param>
    /// <returns>One result per invalid value, a nested one named as <c>AdaptiveThrottling.Member</c>.</returns>
#pragma warning disable IL2026 // Options validation reads only the public properties of the options types, which are preserved.
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext)
    {
        if (RequestedBreakMinimum > RequestedBreakMaximum)
        {
            yield return new ValidationResult(
                $"{nameof(RequestedBreakMinimum)} is {RequestedBreakMinimum}; it must be at most {nameof(RequestedBreakMaximum)} ({RequestedBreakMaximum}).",
                [nameof(RequestedBreakMinimum)]);
        }

        if (AdaptiveThrottling is not { } throttling)
        {
            yield break;
        }

        // At the throttle's equilibrium 1 − 1/K of the attempts it lets through fail; a lower ratio would open before it starts shedding.
        var equilibrium = 1 - (1 / throttling.Multiplier);
        if (throttling.Multiplier >= 1 && FailureRatio <= equilibrium)
        {
            yield return new ValidationResult(
                string.Format(
                    System.Globalization.CultureInfo.InvariantCulture,
                    "{0} is {1}; with {2}.{3} {4} the throttle keeps 1 - 1/K = {5:0.###} of the attempts it lets through failing, so {0} must be above {5:0.###} " +
                    "(0.5 is a good start), or the circuit opens before the throttle starts shedding.",
                    nameof(FailureRatio),
                    FailureRatio,
                    nameof(AdaptiveThrottling),
                    nameof(AdaptiveThrottlingOptions.Multiplier),
                    throttling.Multiplier,
                    equilibrium),
                [nameof(FailureRatio)]);
        }

        var results = new List<ValidationResult>();
        _ = Validator.TryValidateObject(throttling, new ValidationContext(throttling), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var members = result.MemberNames.Select(m => $"{nameof(AdaptiveThrottling)}.{m}").ToArray();
            var text = result.ErrorMessage ?? "is invalid.";
            var member = result.MemberNames.FirstOrDefault();
            yield return new ValidationResult(
                member is not null && text.StartsWith(member, StringComparison.Ordinal) ? $"{nameof(AdaptiveThrottling)}.{text}" : text,
                members);
        }
    }
#pragma warning restore IL2026
}
