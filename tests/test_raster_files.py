"""Demand rasters as GIS tools write them (issue 20 items 1 and 7, issue 19 items 3 and 8).

Each case is written with rasterio or with GDAL's own command-line tools (gdalwarp,
gdal_translate, gdalbuildvrt), the way planners' files are made. The app's total inside
China must equal GDAL's: the test reads the same file with a rasterio masked read (nodata,
masks, alpha), applies scale and offset, and sums; the rasters lie well inside China
(Chongqing / Hubei), so every valid pixel counts. One case crosses the Mongolian border
and checks each pixel's place independently (GDAL's coordinate transformation). Bad files
give one line naming the file.
"""
from __future__ import annotations

import gzip
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.warp import transform as gdal_transform

from reach_planner.geo.demand_io import DemandFileError, read_demand
from reach_planner.geo.limits import set_max_decoded_mb

NODATA = -99999.0
WEST, NORTH, STEP, SIZE = 108.0, 30.5, 0.01, 50  # 0.5 x 0.5 degrees in Chongqing / Hubei


def gdal(*args: str | Path) -> None:
    p = subprocess.run([str(a) for a in args], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def people(shape: tuple[int, int], seed: int = 0, top: int = 400) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.integers(0, top, size=shape).astype(np.float64)
    v[rng.random(shape) < 0.2] = NODATA
    return v


def write(path: Path, values: np.ndarray, *, crs: str | None = "EPSG:4326", nodata: float | None = NODATA,
          transform: Affine | None = None, dtype: str = "float32", **options) -> Path:
    t = transform if transform is not None else Affine(STEP, 0, WEST, 0, -STEP, NORTH)
    with rasterio.open(path, "w", driver="GTiff", height=values.shape[0], width=values.shape[1], count=1,
                       dtype=dtype, crs=crs, transform=t, nodata=nodata, **options) as dst:
        dst.write(values.astype(dtype), 1)
    return path


def source(tmp: Path, top: int = 400) -> Path:
    return write(tmp / "src.tif", people((SIZE, SIZE), top=top))


def gdal_total(name: str | Path) -> float:
    """GDAL's own figure: band 1 masked read (nodata, mask, alpha), scale and offset, people > 0."""
    with rasterio.open(name) as src:
        a = src.read(1, masked=True)
        scale, offset = src.scales[0] or 1.0, src.offsets[0] or 0.0
    v = a.compressed().astype(np.float64) * scale + offset
    v = v[np.isfinite(v)]
    return float(v[v > 0].sum())


def assert_same_as_gdal(path: Path, name: str | Path | None = None) -> None:
    expected = gdal_total(name or path)
    imp = read_demand(path)
    assert expected > 0
    assert imp.inside == pytest.approx(expected, rel=1e-6)
    assert imp.total == pytest.approx(expected, rel=1e-6)
    assert imp.outside == pytest.approx(0.0, abs=1e-6 * expected)
    assert imp.demand.rural.sum() == pytest.approx(expected, rel=1e-6)


# -- files GDAL's tools write ----------------------------------------------------------------
@pytest.mark.parametrize("srs", ["ESRI:54009", "ESRI:54012", "ESRI:102026", "EPSG:3995", "EPSG:8857"])
def test_warped_equal_area_and_other_projections(tmp_path, srs):
    # GHS-POP style (Mollweide, 1 km), Eckert IV, Asia North equidistant conic, Arctic polar
    # stereographic, Equal Earth: GDAL 3.6 writes some of them only as citation WKT
    out = tmp_path / "warped.tif"
    gdal("gdalwarp", "-q", "-t_srs", srs, "-tr", "1000", "1000", "-dstnodata", "-200", source(tmp_path), out)
    assert_same_as_gdal(out)


@pytest.mark.parametrize("args", [["-a_scale", "0.1"], ["-a_scale", "0.1", "-a_offset", "5"]])
def test_scale_and_offset_are_applied(tmp_path, args):
    out = tmp_path / "scaled.tif"
    gdal("gdal_translate", "-q", *args, source(tmp_path), out)
    with rasterio.open(out) as src:
        assert src.scales[0] == 0.1
    assert_same_as_gdal(out)
    plain = read_demand(tmp_path / "src.tif").total
    assert read_demand(out).total == pytest.approx(plain * 0.1 + (5 * np.count_nonzero(
        people((SIZE, SIZE)) != NODATA) if "-a_offset" in args else 0), rel=1e-6)


def test_nodata_only_in_the_aux_xml_sidecar(tmp_path):
    v = people((SIZE, SIZE))
    path = write(tmp_path / "pam.tif", np.where(v == NODATA, 65535, v), nodata=None, dtype="uint16")
    Path(f"{path}.aux.xml").write_text('<PAMDataset><PAMRasterBand band="1"><NoDataValue>65535'
                                       '</NoDataValue></PAMRasterBand></PAMDataset>')
    assert_same_as_gdal(path)
    assert read_demand(path).total == pytest.approx(float(v[v != NODATA].sum()))  # not +30,000%


def test_scale_and_offset_only_in_the_aux_xml_sidecar(tmp_path):
    v = people((SIZE, SIZE))
    path = write(tmp_path / "pam_scale.tif", v)
    Path(f"{path}.aux.xml").write_text('<PAMDataset><PAMRasterBand band="1"><Offset>1</Offset><Scale>0.5</Scale>'
                                       '</PAMRasterBand></PAMDataset>')
    assert_same_as_gdal(path)
    valid = v[v != NODATA] * 0.5 + 1
    assert read_demand(path).total == pytest.approx(float(valid.sum()))


def test_equal_earth_with_its_crs_only_in_the_aux_xml(tmp_path):
    out = tmp_path / "equal_earth.tif"
    gdal("gdalwarp", "-q", "-t_srs", "EPSG:8857", "-tr", "2000", "2000", "-co", "PROFILE=BASELINE",
         source(tmp_path), out)
    assert "8857" in Path(f"{out}.aux.xml").read_text() or "Equal Earth" in Path(f"{out}.aux.xml").read_text()
    assert_same_as_gdal(out)


@pytest.mark.parametrize("options", [
    ["-co", "COMPRESS=LERC"], ["-co", "COMPRESS=LERC_ZSTD"], ["-co", "COMPRESS=LERC_DEFLATE"],
    ["-ot", "Byte", "-a_nodata", "255", "-co", "COMPRESS=JPEG"],
    ["-co", "COMPRESS=ZSTD", "-co", "PREDICTOR=3"], ["-co", "COMPRESS=LZMA"],
    ["-co", "COMPRESS=DEFLATE", "-co", "TILED=YES", "-co", "BLOCKXSIZE=16", "-co", "BLOCKYSIZE=16"],
    ["-ot", "UInt16", "-a_nodata", "4095", "-co", "NBITS=12", "-co", "COMPRESS=LZW"],
    ["-co", "TILED=YES", "-co", "SPARSE_OK=TRUE", "-co", "BLOCKXSIZE=16", "-co", "BLOCKYSIZE=16"],
    ["-co", "BIGTIFF=YES", "-co", "ENDIANNESS=BIG"],
])
def test_every_compression_and_pixel_type_gdal_writes(tmp_path, options):
    out = tmp_path / "c.tif"
    gdal("gdal_translate", "-q", *options, source(tmp_path, top=200), out)
    assert_same_as_gdal(out)


def test_float16(tmp_path):
    v = people((SIZE, SIZE))
    src = write(tmp_path / "src16.tif", np.where(v == NODATA, -1, v), nodata=-1)
    out = tmp_path / "half.tif"
    gdal("gdal_translate", "-q", "-co", "NBITS=16", src, out)
    with rasterio.open(out) as f:
        assert f.tags(1, "IMAGE_STRUCTURE").get("NBITS") == "16"
    assert_same_as_gdal(out)


def test_webp_rgb(tmp_path):
    out = tmp_path / "webp.tif"
    gdal("gdal_translate", "-q", "-ot", "Byte", "-b", "1", "-b", "1", "-b", "1", "-a_nodata", "none",
         "-co", "COMPRESS=WEBP", "-co", "WEBP_LOSSLESS=YES", source(tmp_path, top=200), out)
    assert_same_as_gdal(out)


def test_internal_mask(tmp_path):
    values = np.full((SIZE, SIZE), 7.0)
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[: SIZE // 3] = 255
    with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=True):
        with rasterio.open(tmp_path / "m.tif", "w", driver="GTiff", height=SIZE, width=SIZE, count=1,
                           dtype="float32", crs="EPSG:4326",
                           transform=Affine(STEP, 0, WEST, 0, -STEP, NORTH)) as dst:
            dst.write(values.astype("float32"), 1)
            dst.write_mask(mask)
    assert not Path(f"{tmp_path / 'm.tif'}.msk").exists()  # the mask is inside the file
    assert_same_as_gdal(tmp_path / "m.tif")
    assert read_demand(tmp_path / "m.tif").total == pytest.approx(7.0 * (SIZE // 3) * SIZE)


def test_external_mask_file(tmp_path):
    path = write(tmp_path / "ext.tif", np.full((SIZE, SIZE), 3.0), nodata=None)
    with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=False), rasterio.open(path, "r+") as dst:
        mask = np.zeros((SIZE, SIZE), np.uint8)
        mask[:, :10] = 255
        dst.write_mask(mask)
    assert Path(f"{path}.msk").exists()
    assert_same_as_gdal(path)
    assert read_demand(path).total == pytest.approx(3.0 * 10 * SIZE)


def test_rotated_grid(tmp_path):
    t = Affine.translation(WEST, NORTH) @ Affine.rotation(20) @ Affine.scale(STEP, -STEP)
    path = write(tmp_path / "rot.tif", people((SIZE, SIZE)), transform=t)
    assert_same_as_gdal(path)
    plain = read_demand(write(tmp_path / "plain.tif", people((SIZE, SIZE)))).demand
    rotated = read_demand(path).demand
    lon = lambda d: float((d.grid.lon * d.rural).sum() / d.rural.sum())  # noqa: E731
    assert lon(rotated) - lon(plain) > 0.05  # turned about the north-west corner, towards the east


def test_alpha_band_written_by_gdalwarp(tmp_path):
    out = tmp_path / "alpha.tif"
    gdal("gdalwarp", "-q", "-t_srs", "ESRI:54009", "-tr", "2000", "2000", "-srcnodata", str(NODATA),
         "-dstalpha", source(tmp_path), out)
    with rasterio.open(out) as src:
        assert src.count == 2 and src.nodata is None
    assert_same_as_gdal(out)


def test_int64_with_nodata_int64_max(tmp_path):
    v = people((SIZE, SIZE))
    big = np.iinfo(np.int64).max
    ints = np.where(v == NODATA, -1, v).astype(np.int64)
    write(tmp_path / "i.tif", ints, nodata=None, dtype="int64")
    out = tmp_path / "int64.tif"
    gdal("gdal_translate", "-q", "-a_nodata", str(big), tmp_path / "i.tif", tmp_path / "tmp.tif")
    with rasterio.open(tmp_path / "tmp.tif") as src:
        data = src.read(1)
    data[v == NODATA] = big
    with rasterio.open(tmp_path / "tmp.tif") as src:
        profile = src.profile
    profile.pop("nodata")
    with rasterio.open(tmp_path / "raw.tif", "w", **profile) as dst:
        dst.write(data, 1)
    gdal("gdal_translate", "-q", "-a_nodata", str(big), tmp_path / "raw.tif", out)
    assert_same_as_gdal(out)
    assert read_demand(out).total == pytest.approx(float(v[v != NODATA].sum()))  # not 1.5e23


def test_zip_and_gzip(tmp_path):
    src = source(tmp_path)
    with zipfile.ZipFile(tmp_path / "pop.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.write(src, "worldpop/pop.tif")
        z.writestr("readme.txt", "WorldPop")
    (tmp_path / "pop.tif.gz").write_bytes(gzip.compress(src.read_bytes()))
    expected = gdal_total(src)
    for name in ("pop.zip", "pop.tif.gz"):
        imp = read_demand(tmp_path / name)
        assert imp.inside == pytest.approx(expected, rel=1e-6) and imp.demand.source["file"] == name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pop.tif.gz", "pop.zip", "src.tif"]  # no index files


def test_vrt_mosaic(tmp_path):
    v = people((SIZE, SIZE * 2), seed=3)
    west = write(tmp_path / "w.tif", v[:, :SIZE])
    east = write(tmp_path / "e.tif", v[:, SIZE:], transform=Affine(STEP, 0, WEST + SIZE * STEP, 0, -STEP, NORTH))
    gdal("gdalbuildvrt", "-q", tmp_path / "m.vrt", west, east)
    assert_same_as_gdal(tmp_path / "m.vrt")
    assert read_demand(tmp_path / "m.vrt").total == pytest.approx(float(v[v != NODATA].sum()))


def test_gcp_only_raster_goes_through_gdal_gcp_transform(tmp_path):
    out = tmp_path / "gcp.tif"
    e, s = WEST + SIZE * STEP, NORTH - SIZE * STEP
    gdal("gdal_translate", "-q", "-a_srs", "EPSG:4326", "-gcp", "0", "0", WEST, NORTH, "-gcp", SIZE, "0", e, NORTH,
         "-gcp", "0", SIZE, WEST, s, "-gcp", SIZE, SIZE, e, s, source(tmp_path), out)
    with rasterio.open(out) as src:
        assert src.transform.is_identity and len(src.gcps[0]) == 4
    assert_same_as_gdal(out)
    a = read_demand(out).demand.rural
    b = read_demand(tmp_path / "src.tif").demand.rural
    assert np.allclose(a, b)  # the same cells as the geotransformed original


def test_pixels_across_the_border_go_where_gdal_puts_them(tmp_path):
    # Mollweide, 1 km, from Mongolia into Inner Mongolia: each pixel centre placed by GDAL's own
    # coordinate transformation, counted inside when the app's grid holds it (cell or province)
    from reach_planner.geo.grid import build_grid, province_of

    x, y = gdal_transform("EPSG:4326", "ESRI:54009", [110.5], [43.0])
    v = people((60, 80), seed=5)
    path = write(tmp_path / "border.tif", v, crs="ESRI:54009", transform=Affine(1000, 0, x[0], 0, -1000, y[0]))
    with rasterio.open(path) as src:
        rows, cols = np.nonzero(v != NODATA)
        xs, ys = rasterio.transform.xy(src.transform, rows, cols)
    lon, lat = (np.asarray(c) for c in gdal_transform("ESRI:54009", "EPSG:4326", xs, ys))
    w = v[rows, cols]
    grid = build_grid(10.0)
    inside = (grid.cell_of(lon, lat) >= 0) | (province_of(lon, lat) > 0)
    imp = read_demand(path)
    assert 0 < imp.outside < imp.total
    assert imp.inside == pytest.approx(float(w[inside].sum()), rel=1e-6)
    assert imp.outside == pytest.approx(float(w[~inside].sum()), rel=1e-6)


@pytest.mark.parametrize("options", [["-co", "TILED=YES", "-co", "BLOCKXSIZE=16", "-co", "BLOCKYSIZE=16"],
                                     ["-co", "BLOCKYSIZE=3"], ["-co", "BLOCKYSIZE=50", "-co", "COMPRESS=DEFLATE"]])
@pytest.mark.parametrize("window_bytes", [1, 16 * 16 * 4 * 2, 10**9])
def test_windows_cover_every_pixel_once(tmp_path, monkeypatch, options, window_bytes):
    import reach_planner.geo.raster_file as rf

    monkeypatch.setattr(rf, "WINDOW_BYTES", window_bytes)
    out = tmp_path / "blocks.tif"
    gdal("gdal_translate", "-q", *options, source(tmp_path), out)
    seen = np.zeros((SIZE, SIZE), int)
    with rf.open_raster(out, str(out)) as r:
        for w in r.windows():
            seen[w.row0:w.row0 + w.rows, w.col0:w.col0 + w.cols] += 1
            assert w.rows * w.cols * 4 <= max(window_bytes, 16 * 16 * 4, SIZE * 3 * 4)
    assert (seen == 1).all()
    assert_same_as_gdal(out)


# -- bad files: one line naming the file --------------------------------------------------------
def one_line_error(path: Path, match: str) -> str:
    with pytest.raises(DemandFileError, match=match) as e:
        read_demand(path)
    text = str(e.value)
    assert "\n" not in text and str(path) in text
    return text


def test_a_file_gdal_cannot_read_gives_gdal_reason(tmp_path):
    path = tmp_path / "bad.tif"
    path.write_bytes(b"II*\x00garbage that is no TIFF directory")
    one_line_error(path, r"GDAL cannot read it \(.+\)")


def test_a_cut_short_file_is_refused_not_half_counted(tmp_path):
    full = write(tmp_path / "full.tif", people((400, 400)), compress="deflate")
    cut = tmp_path / "cut.tif"
    data = full.read_bytes()
    cut.write_bytes(data[: len(data) * 2 // 3])
    one_line_error(cut, "GDAL cannot read it")


def test_a_raster_without_a_crs_asks_for_one(tmp_path):
    path = write(tmp_path / "nocrs.tif", people((20, 20)), crs=None)
    one_line_error(path, "no coordinate reference system; assign one")


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_a_raster_without_georeferencing(tmp_path):
    path = write(tmp_path / "plain.tif", people((20, 20)), crs=None, transform=Affine.identity())
    one_line_error(path, "not georeferenced")


def test_nothing_inside_china(tmp_path):
    path = write(tmp_path / "france.tif", people((20, 20)), transform=Affine(0.05, 0, 2.0, 0, -0.05, 48.0))
    one_line_error(path, "nothing inside China")


@pytest.mark.parametrize("fill, match", [
    (np.inf, "infinite"), (-np.inf, "infinite"), (np.nan, "no valid pixels"), (NODATA, "no valid pixels"),
    (0.0, "hold no people"),
])
def test_rasters_of_no_numbers_are_refused(tmp_path, fill, match):
    # issue 19 item 8: an all-infinity raster exited 0 with 0 people
    path = write(tmp_path / "empty.tif", np.full((20, 20), fill))
    one_line_error(path, match)


def test_one_infinite_pixel_is_refused_with_its_place(tmp_path):
    v = people((20, 20))
    v[4, 7] = np.inf
    text = one_line_error(write(tmp_path / "inf.tif", v), "infinite")
    assert "row 5, column 8" in text


def test_a_zip_with_two_rasters_asks_which(tmp_path):
    src = source(tmp_path)
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as z:
        z.write(src, "a.tif")
        z.write(src, "b.tif")
    one_line_error(tmp_path / "two.zip", "holds 2 rasters")


def test_a_zip_without_a_raster(tmp_path):
    with zipfile.ZipFile(tmp_path / "notes.zip", "w") as z:
        z.writestr("readme.txt", "no raster here")
    from reach_planner.geo.demand_io import read_demand
    from reach_planner.geo.site_tables import SiteFileError

    with pytest.raises(SiteFileError, match="notes.zip: not a readable zipped Shapefile"):  # nor a raster
        read_demand(tmp_path / "notes.zip")
    (tmp_path / "fake.zip").write_bytes(b"PK but not really")
    one_line_error(tmp_path / "fake.zip", "not a readable zip archive")


def test_a_vrt_whose_source_is_missing(tmp_path):
    src = source(tmp_path)
    gdal("gdalbuildvrt", "-q", tmp_path / "m.vrt", src)
    src.unlink()
    one_line_error(tmp_path / "m.vrt", "GDAL cannot read it")


def test_a_small_file_claiming_huge_size_is_refused_quickly(tmp_path):
    # issue 19 item 3: a few kB claiming 100,000 x 100,000 float32 pixels (37 GB decoded)
    path = tmp_path / "bomb.tif"
    with rasterio.open(path, "w", driver="GTiff", height=100_000, width=100_000, count=1, dtype="float32",
                       crs="EPSG:4326", transform=Affine(0.0005, 0, 100, 0, -0.0005, 40), nodata=0,
                       tiled=True, compress="deflate", sparse_ok=True):
        pass
    assert path.stat().st_size < 2_000_000
    one_line_error(path, r"100,000 x 100,000 pixels of float32 would take .* more than the limit of 2,048 MB")


def test_the_limit_is_width_times_height_times_bytes_and_can_be_raised(tmp_path):
    path = write(tmp_path / "small.tif", people((100, 100)))  # 40,000 bytes of float32
    try:
        set_max_decoded_mb(0.03)
        one_line_error(path, "more than the limit")
        set_max_decoded_mb(0.04)
        assert read_demand(path).total > 0
    finally:
        set_max_decoded_mb(None)


def test_complex_pixels_are_refused(tmp_path):
    path = write(tmp_path / "c.tif", people((10, 10)), dtype="complex64", nodata=None)
    one_line_error(path, "complex64 pixels")


def test_cli_prints_one_line_and_nothing_from_gdal(tmp_path):
    from tests.conftest import ROOT

    bad = tmp_path / "bad.tif"
    bad.write_bytes(b"MM\x00*" + b"\x00" * 200)
    p = subprocess.run([sys.executable, str(ROOT / "main.py"), "summary", "--demand", str(bad)],
                       capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 1
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"reach-planner: error: {bad}: GDAL cannot read it (")
