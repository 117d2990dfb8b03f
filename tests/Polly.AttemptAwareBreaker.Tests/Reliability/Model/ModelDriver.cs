using CsCheck;

namespace Polly.AttemptAwareBreaker.Tests.Reliability.Model;

/// <summary>
/// Runs random command sequences against a breaker under test (<typeparamref name="TSubject"/>, an adapter for the gate or the composed
/// pipeline) and <see cref="BreakerModel"/> on one fake clock, with a manual control bound to the breaker, and after every step
/// compares the figures the subject names (<see cref="IModelSubject.Compare"/>). A command is a record that runs itself against the
/// driver: clock advances, manual isolate and close are here; a subject adds its own. AAB_MODEL_ITERATIONS sets the iterations of a
/// property for a local soak run.
/// </summary>
/// <typeparam name="TSubject">The adapter of the breaker under test.</typeparam>
internal sealed class ModelDriver<TSubject>
    where TSubject : IModelSubject
{
    private ModelDriver(BreakerModel.Settings settings, Func<ModelDriver<TSubject>, TSubject> create)
    {
        // The model counts time in TimeSpan ticks and compares them with the fake clock's timestamps.
        Assert.Equal(TimeSpan.TicksPerSecond, Time.TimestampFrequency);
        Settings = settings;
        Model = new BreakerModel(settings);
        Subject = create(this);
    }

    /// <summary>Gets clock advances from 100 ms (well inside a bucket) to 6 s (beyond every break and most windows).</summary>
    public static Gen<Command> Advances { get; } = Gen.Int[0, 4].Select(i => (Command)new Advance(new[] { 100, 500, 1000, 3000, 6000 }[i]));

    public static Gen<Command> Isolates { get; } = Gen.Const((Command)new Isolate());

    public static Gen<Command> Closes { get; } = Gen.Const((Command)new Close());

    /// <summary>Gets the option set of this run.</summary>
    public BreakerModel.Settings Settings { get; }

    public FakeTimeProvider Time { get; } = new();

    public AttemptAwareCircuitBreakerManualControl Control { get; } = new();

    public BreakerModel Model { get; }

    public TSubject Subject { get; }

    /// <summary>Gets the number of the step being run, for the messages of a failing assertion.</summary>
    public int Step { get; private set; }

    /// <summary>
    /// Samples option sets and command sequences (<paramref name="defaultIterations"/> of them unless AAB_MODEL_ITERATIONS says otherwise)
    /// and runs each; a failure prints the shrunk option set and commands.
    /// </summary>
    /// <param name="settings">The option sets.</param>
    /// <param name="commands">The command sequences.</param>
    /// <param name="defaultIterations">The iterations of an ordinary test run.</param>
    /// <param name="create">Builds the breaker under test on the driver's clock (see <see cref="ConfigureBreaker"/>).</param>
    /// <returns>A task that fails at the first sequence where the breaker and the model disagree.</returns>
    public static Task CheckAsync(
        Gen<BreakerModel.Settings> settings,
        Gen<Command[]> commands,
        long defaultIterations,
        Func<ModelDriver<TSubject>, TSubject> create)
        => Gen.Select(settings, commands).SampleAsync(
            (s, c) => RunAsync(s, c, create),
            iter: long.TryParse(Environment.GetEnvironmentVariable("AAB_MODEL_ITERATIONS"), out var n) ? n : defaultIterations,
            threads: 1,
            print: r => $"{r.Item1}; {string.Join(", ", r.Item2.Select(c => c.ToString()))}");

    /// <summary>
    /// Sets the breaker options the run's option set describes, and binds them to the driver's manual control. The subject sets what
    /// depends on its commands: the randomizer and the requested-break generator.
    /// </summary>
    /// <typeparam name="TResult">The type of result.</typeparam>
    /// <param name="options">The options of the breaker under test.</param>
    public void ConfigureBreaker<TResult>(AttemptAwareCircuitBreakerStrategyOptions<TResult> options)
    {
        options.ConsecutiveFailureThreshold = Settings.Consecutive;
        options.MinimumThroughput = Settings.MinimumThroughput;
        options.FailureRatio = Settings.FailureRatio;
        options.BreakDuration = Settings.Break;
        options.HalfOpenMaxProbes = Settings.Probes;
        options.HalfOpenSuccessThreshold = Settings.SuccessThreshold;
        options.SamplingDuration = Settings.Sampling;
        options.SlowAttemptThreshold = Settings.SlowThreshold;
        options.SlowAttemptRatio = Settings.SlowRatio;
        options.AdaptiveThrottling = Settings.Throttle is { } throttle
            ? new AdaptiveThrottlingOptions { Multiplier = throttle.Multiplier, Window = throttle.Window, MinimumRequests = throttle.MinimumRequests, MaxRejectionProbability = throttle.MaxProbability }
            : null;
        options.RecoveryRampDuration = Settings.Ramp;
        options.RecoveryRampFloor = Settings.RampFloor;
        options.Enforcement = Settings.Shadow ? CircuitBreakerEnforcement.Shadow : CircuitBreakerEnforcement.Enforcing;
        options.RequestedBreakMinimum = Settings.PauseMinimum ?? options.RequestedBreakMinimum;
        options.RequestedBreakMaximum = Settings.PauseMaximum;
        options.ManualControl = Control;
    }

    /// <summary>Runs one command sequence against the breaker and the model, failing at the first step where they disagree.</summary>
    private static async Task RunAsync(
        BreakerModel.Settings settings,
        Command[] commands,
        Func<ModelDriver<TSubject>, TSubject> create)
    {
        var driver = new ModelDriver<TSubject>(settings, create);
        using var subject = driver.Subject;
        for (; driver.Step < commands.Length; driver.Step++)
        {
            await commands[driver.Step].RunAsync(driver);

            var comparison = new ModelComparison();
            subject.Compare(comparison, driver.Model, driver.Time.GetTimestamp());
            comparison.AssertAgree(driver.Step);
        }
    }

    /// <summary>One step: acts on the breaker under test and on the model alike.</summary>
    internal abstract record Command
    {
        public abstract ValueTask RunAsync(ModelDriver<TSubject> driver);
    }

    internal sealed record Advance(int Milliseconds) : Command
    {
        public override ValueTask RunAsync(ModelDriver<TSubject> driver)
        {
            driver.Time.Advance(TimeSpan.FromMilliseconds(Milliseconds));
            return default;
        }
    }

    internal sealed record Isolate : Command
    {
        public override async ValueTask RunAsync(ModelDriver<TSubject> driver)
        {
            await driver.Control.IsolateAsync();
            driver.Model.Isolate();
        }
    }

    internal sealed record Close : Command
    {
        public override async ValueTask RunAsync(ModelDriver<TSubject> driver)
        {
            await driver.Control.CloseAsync();
            driver.Model.Close();
        }
    }
}
