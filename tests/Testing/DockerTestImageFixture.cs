namespace WakeDock.Testing;

/// <summary>
/// <see cref="DockerEngineFixture"/> plus the local busybox test image, built before the first test.
/// </summary>
public class DockerTestImageFixture : DockerEngineFixture
{
    /// <summary>The test image's reference (<see cref="DockerTestImage.Name"/>).</summary>
    public const string Image = DockerTestImage.Name;

    /// <summary>The test image's id, known after initialization.</summary>
    public string ImageId { get; private set; } = "";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        ImageId = await DockerTestImage.EnsureAsync(Client, timeout.Token);
    }
}
