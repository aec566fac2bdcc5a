var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseStreamPipeline();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapContainersApi();

app.Run();
