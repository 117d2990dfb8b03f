using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly.AttemptAwareBreaker.Http.Tests.TestUtilities;

namespace Polly.AttemptAwareBreaker.Http.Tests.Classification;

/// <summary>
/// The README's table of how <c>Retry.ShouldHandle</c> and <c>CircuitBreaker.ShouldHandle</c> map onto the composed retry + breaker, one row
/// per cell. The breaker's predicate handles 404 and 500, the retry's 400 and 500, so each status falls on a different side of the two
/// predicates and of the classifier (404 and 400 ignored, 503 transient, 501 permanent, 500 transient).
/// </summary>
public class ShouldHandleMappingTests
{
    private const int RetriedAttempts = 3; // the first attempt and MaxRetryAttempts = 2

    public enum Counted
    {
        Success,
        Failure,
        Ignored,
    }

    public static TheoryData<bool, bool, int, Counted, int> Cells => new()
    {
        // retry predicate set, breaker predicate set, status → counted by the breaker, attempts made
        { false, false, 503, Counted.Failure, RetriedAttempts },
        { false, false, 501, Counted.Failure, 1 },
        { false, false, 404, Counted.Ignored, 1 },
        { false, true, 404, Counted.Failure, 1 },
        { false, true, 500, Counted.Failure, RetriedAttempts },
        { false, true, 503, Counted.Success, RetriedAttempts },
        { false, true, 400, Counted.Success, 1 },
        { true, false, 400, Counted.Ignored, RetriedAttempts },
        { true, false, 500, Counted.Failure, RetriedAttempts },
        { true, false, 503, Counted.Failure, 1 },
        { true, false, 200, Counted.Success, 1 },
        { true, true, 400, Counted.Success, RetriedAttempts },
        { true, true, 404, Counted.Failure, 1 },
        { true, true, 500, Counted.Failure, RetriedAttempts },
        { true, true, 503, Counted.Success, 1 },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task ShouldHandle_EachCellOfTheMapping_CountsAndRetriesAsDocumented(bool retrySet, bool breakerSet, int status, Counted counted, int attempts)
    {
        var scripted = new ScriptedPipeline();
        if (retrySet)
        {
            scripted.Retry.ShouldHandle = args => new(args.Outcome.Result?.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.InternalServerError);
        }

        if (breakerSet)
        {
            scripted.CircuitBreaker.ShouldHandle = args => new(args.Outcome.Result?.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.InternalServerError);
        }

        await scripted.SendAsync(scripted.Build(), (HttpStatusCode)status);

        Assert.Equal(attempts, scripted.Attempts);
        var totals = scripted.Snapshot.TotalAttempts;
        Assert.Equal(attempts, counted switch
        {
            Counted.Success => totals.Successes,
            Counted.Failure => totals.Failures,
            _ => totals.Ignored,
        });
    }

    [Fact]
    public async Task BreakerShouldHandle_CallerCancellationHandled_StaysIgnored()
    {
        var scripted = new ScriptedPipeline();
        scripted.CircuitBreaker.ShouldHandle = _ => new(true);
        using var cancellation = new CancellationTokenSource();
        var pipeline = scripted.Build();

        await scripted.SendAsync(pipeline, _ =>
        {
            cancellation.Cancel();
            throw new OperationCanceledException(cancellation.Token);
        }, cancellationToken: cancellation.Token);

        Assert.Equal(new OutcomeCounts(0, 0, 0, 1), scripted.Snapshot.TotalAttempts);
        Assert.Equal(1, scripted.Attempts);
    }

    [Fact]
    public async Task BreakerShouldHandle_HalfOpenProbeNotHandled_ClosesTheCircuit()
    {
        var scripted = OpenedBy500(breakerShouldHandle: true, out var pipeline);
        await Opened(scripted, pipeline);

        scripted.Time.Advance(scripted.CircuitBreaker.BreakDuration);
        await scripted.SendAsync(pipeline, HttpStatusCode.NotFound);

        Assert.Equal(CircuitState.Closed, scripted.Snapshot.State);
    }

    [Fact]
    public async Task Classifier_HalfOpenProbeAnswered404_IsIgnoredAndLeavesTheCircuitHalfOpen()
    {
        var scripted = OpenedBy500(breakerShouldHandle: false, out var pipeline);
        await Opened(scripted, pipeline);

        scripted.Time.Advance(scripted.CircuitBreaker.BreakDuration);
        await scripted.SendAsync(pipeline, HttpStatusCode.NotFound);

        Assert.Equal(CircuitState.HalfOpen, scripted.Snapshot.State);
    }

    [Fact]
    public async Task RetryShouldHandle_HandlesEverything_RejectionIsNotRetried()
    {
        var scripted = OpenedBy500(breakerShouldHandle: false, out var pipeline, retryEverything: true);
        await Opened(scripted, pipeline);
        var before = scripted.Attempts;

        var outcome = await scripted.SendAsync(pipeline, HttpStatusCode.OK);

        Assert.IsType<BrokenCircuitException>(outcome.Exception);
        Assert.Equal(before, scripted.Attempts);
        Assert.Equal(1, scripted.Snapshot.TotalRejections);
    }

    [Fact]
    public async Task RetryShouldHandle_HandlesEverything_AttemptThatOpenedTheCircuitIsNotRetried()
    {
        var scripted = OpenedBy500(breakerShouldHandle: false, out var pipeline, retryEverything: true, threshold: 1);

        await scripted.SendAsync(pipeline, HttpStatusCode.InternalServerError);

        Assert.Equal(1, scripted.Attempts);
        Assert.Equal(CircuitState.Open, scripted.Snapshot.State);
    }

    [Fact]
    public async Task RetryShouldHandle_HandlesEverything_HalfOpenProbeIsNotRetried()
    {
        var scripted = OpenedBy500(breakerShouldHandle: false, out var pipeline, retryEverything: true);
        await Opened(scripted, pipeline);
        scripted.Time.Advance(scripted.CircuitBreaker.BreakDuration);
        var before = scripted.Attempts;

        await scripted.SendAsync(pipeline, HttpStatusCode.InternalServerError);

        Assert.Equal(before + 1, scripted.Attempts);
        Assert.Equal(CircuitState.Open, scripted.Snapshot.State);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RetryShouldHandle_DisableForUnsafeHttpMethodsBeforeOrAfter_PostIsNotRetried(bool disableFirst)
    {
        var scripted = new ScriptedPipeline();
        if (disableFirst)
        {
            scripted.Retry.DisableForUnsafeHttpMethods();
        }

        scripted.Retry.ShouldHandle = _ => new(true);
        if (!disableFirst)
        {
            scripted.Retry.DisableForUnsafeHttpMethods();
        }

        await scripted.SendAsync(scripted.Build(), HttpStatusCode.InternalServerError, HttpMethod.Post);

        Assert.Equal(1, scripted.Attempts);
    }

    [Fact]
    public async Task RetryShouldHandle_Throws_CallFailsWithItsException()
    {
        var scripted = new ScriptedPipeline();
        var error = new InvalidOperationException("predicate failed");
        scripted.Retry.ShouldHandle = _ => throw error;

        var outcome = await scripted.SendAsync(scripted.Build(), HttpStatusCode.InternalServerError);

        Assert.Same(error, outcome.Exception);
        Assert.Equal(1, scripted.Attempts);
    }

    [Fact]
    public async Task RetryShouldHandle_PredicateBuilder_RetriesWhatItHandles()
    {
        var scripted = new ScriptedPipeline();
        scripted.Retry.ShouldHandle = new PredicateBuilder<HttpResponseMessage>().HandleResult(r => r.StatusCode == HttpStatusCode.NotFound);

        await scripted.SendAsync(scripted.Build(), HttpStatusCode.NotFound);

        Assert.Equal(RetriedAttempts, scripted.Attempts);
    }

    [Fact]
    public async Task BreakerShouldHandle_PredicateBuilder_CountsWhatItHandlesAsFailures()
    {
        var scripted = new ScriptedPipeline();
        scripted.CircuitBreaker.ShouldHandle = new PredicateBuilder<HttpResponseMessage>().HandleResult(r => r.StatusCode == HttpStatusCode.NotFound);

        await scripted.SendAsync(scripted.Build(), HttpStatusCode.NotFound);

        Assert.Equal(1, scripted.Snapshot.TotalAttempts.Failures);
    }

    [Fact]
    public async Task BreakerShouldHandle_Set_OptionsKeepTheirClassifier()
    {
        var scripted = new ScriptedPipeline();
        var classifier = scripted.CircuitBreaker.Classifier;
        scripted.CircuitBreaker.ShouldHandle = _ => new(true);

        await scripted.SendAsync(scripted.Build(), HttpStatusCode.NotFound);

        Assert.Same(classifier, scripted.CircuitBreaker.Classifier);
    }

    [Fact]
    public async Task AddAttemptAwareCircuitBreaker_HttpOptionsWithShouldHandle_CountsWhatItHandlesAsFailures()
    {
        var scripted = new ScriptedPipeline();
        scripted.CircuitBreaker.ShouldHandle = args => new(args.Outcome.Result?.StatusCode == HttpStatusCode.NotFound);
        var pipeline = scripted.BuildBreakerOnly();

        await scripted.SendAsync(pipeline, HttpStatusCode.NotFound);
        await scripted.SendAsync(pipeline, HttpStatusCode.ServiceUnavailable);

        Assert.Equal(new OutcomeCounts(1, 1, 0, 0), scripted.Snapshot.TotalAttempts);
    }

    /// <summary>A pipeline whose circuit opens at <paramref name="threshold"/> consecutive 500s, with one retry.</summary>
    private static ScriptedPipeline OpenedBy500(bool breakerShouldHandle, out ResiliencePipeline<HttpResponseMessage> pipeline, bool retryEverything = false, int threshold = 2)
    {
        var scripted = new ScriptedPipeline();
        scripted.CircuitBreaker.ConsecutiveFailureThreshold = threshold;
        scripted.Retry.MaxRetryAttempts = 1;
        if (breakerShouldHandle)
        {
            scripted.CircuitBreaker.ShouldHandle = args => new(args.Outcome.Result?.StatusCode == HttpStatusCode.InternalServerError);
        }

        if (retryEverything)
        {
            scripted.Retry.ShouldHandle = _ => new(true);
        }

        pipeline = scripted.Build();
        return scripted;
    }

    /// <summary>Opens the circuit with one operation of two failed attempts (500).</summary>
    private static async Task Opened(ScriptedPipeline scripted, ResiliencePipeline<HttpResponseMessage> pipeline)
    {
        await scripted.SendAsync(pipeline, HttpStatusCode.InternalServerError);
        Assert.Equal(CircuitState.Open, scripted.Snapshot.State);
    }
}
