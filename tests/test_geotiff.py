"""geo/geotiff.py against rasterio (GDAL) on files GDAL writes: same pixels, transform, nodata, CRS."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from affine import Affine
from pyproj import CRS, Transformer
from rasterio.control import GroundControlPoint
from rasterio.warp import transform as warp

from reach_planner.geo.geotiff import GeoTiff, GeoTiffError, nodata_mask
from reach_planner.geo.geotiff_keys import geokeys

LONLAT = Affine(0.05, 0.0, 105.0, 0.0, -0.05, 34.0)
DTYPES = ["uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "float64"]
COMPRESSIONS = ["none", "deflate", "lzw", "packbits", "zstd", "lzma"]


def _values(dtype: str, shape=(37, 53), seed=0) -> np.ndarray:
    """Smooth fields with noise (what predictors are for), over the type's whole range."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[:shape[0], :shape[1]]
    if np.dtype(dtype).kind == "f":
        v = 1000 * np.sin(x / 7.0) * np.cos(y / 5.0) + rng.normal(0, 3, shape)
        v[rng.random(shape) < 0.1] = 0.0
        return v.astype(dtype)
    info = np.iinfo(dtype)
    v = rng.integers(info.min, info.max, size=shape, endpoint=True, dtype=np.int64)
    v[:, ::3] = (x[:, ::3] + y[:, ::3]) % 100
    return v.astype(dtype)


def _write(path, values, crs="EPSG:4326", transform=LONLAT, nodata=None, count=1, **options):
    if values.ndim == 2:
        values = values[None]
    with rasterio.open(path, "w", driver="GTiff", height=values.shape[1], width=values.shape[2],
                       count=count, dtype=values.dtype, crs=crs, transform=transform, nodata=nodata,
                       **options) as dst:
        dst.write(values)
    return path


def _same_as_rasterio(path) -> np.ndarray:
    with rasterio.open(path) as src, GeoTiff(path) as ours:
        theirs = src.read(1)
        got = ours.read()
        assert got.dtype == theirs.dtype and np.array_equal(got, theirs, equal_nan=theirs.dtype.kind == "f")
        assert ours.transform == tuple(src.transform)[:6]
        assert ours.width == src.width and ours.height == src.height and ours.count == src.count
        if src.nodata is None or not np.isnan(src.nodata):
            assert ours.nodata == src.nodata
        else:
            assert ours.nodata is not None and np.isnan(ours.nodata)
        theirs_crs = CRS.from_wkt(src.crs.to_wkt())
        keys = geokeys(ours._tags)
        if any(0 < keys.get(k, 0) < 32767 for k in (2048, 3072)) or "ESRI PE" in str(keys.get(3073)):
            assert ours.crs == theirs_crs  # an EPSG code or the WKT of an ESRI CRS
        else:  # user-defined: the same projection, named and laid out otherwise (see below)
            assert ours.crs.to_dict() == {**theirs_crs.to_dict(), **ours.crs.to_dict()}
        masked = src.read(1, masked=True)
        assert np.array_equal(ours.nodata_mask(got), np.ma.getmaskarray(masked))
        return got


def _cases():
    for compress in COMPRESSIONS:
        for dtype in DTYPES:
            for predictor in (1, 2, 3) if dtype.startswith("float") else (1, 2):
                if compress == "none" and predictor != 1:
                    continue
                for tiled in (False, True):
                    yield compress, dtype, predictor, tiled


@pytest.mark.parametrize("compress, dtype, predictor, tiled", list(_cases()))
def test_every_compression_predictor_type_and_layout_reads_as_gdal_does(tmp_path, compress, dtype, predictor,
                                                                       tiled):
    options = {"tiled": True, "blockxsize": 16, "blockysize": 16} if tiled else {"blockysize": 5}
    if compress != "none":
        options.update(compress=compress, predictor=predictor)
    v = _values(dtype)
    nodata = 0 if dtype.startswith("u") else -7
    path = _write(tmp_path / "x.tif", v, nodata=nodata, **options)
    assert np.array_equal(_same_as_rasterio(path), v)


@pytest.mark.parametrize("dtype", ["int16", "float32", "float64"])
@pytest.mark.parametrize("options", [
    {"compress": "lzw", "predictor": 2, "endianness": "big"},
    {"compress": "deflate", "predictor": 3, "endianness": "big", "tiled": True, "blockxsize": 32, "blockysize": 16},
    {"endianness": "big"},
    {"compress": "deflate", "bigtiff": "yes", "tiled": True, "blockxsize": 16, "blockysize": 32},
    {"bigtiff": "yes", "endianness": "big"},
])
def test_big_endian_and_bigtiff(tmp_path, dtype, options):
    if options.get("predictor") == 3 and dtype == "int16":
        options = {**options, "predictor": 2}
    v = _values(dtype, (41, 70))
    path = _write(tmp_path / "x.tif", v, nodata=-1, **options)
    with open(path, "rb") as f:
        head = f.read(4)
    assert head[:2] == (b"MM" if options.get("endianness") == "big" else b"II")
    assert head[2:4] in ((b"\0+", b"+\0") if options.get("bigtiff") else (b"\0*", b"*\0"))
    assert np.array_equal(_same_as_rasterio(path), v)


@pytest.mark.filterwarnings("ignore:You will likely lose")  # to_dict() of user-defined CRSs
@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:32649", "EPSG:3857", "ESRI:54009", "ESRI:102025",
                                 "+proj=aea +lat_1=25 +lat_2=47 +lat_0=0 +lon_0=105 +ellps=krass +units=m",
                                 "+proj=lcc +lat_1=30 +lat_2=60 +lat_0=10 +lon_0=110 +datum=WGS84 +units=m",
                                 "+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m",
                                 "+proj=laea +lat_0=35 +lon_0=105 +x_0=0 +y_0=0 +datum=WGS84 +units=m",
                                 "+proj=sinu +lon_0=0 +x_0=0 +y_0=0 +R=6371007.181 +units=m",
                                 "+proj=cea +lat_ts=30 +lon_0=0 +datum=WGS84 +units=m",
                                 "+proj=eqc +lat_ts=0 +lon_0=100 +datum=WGS84 +units=m",
                                 "+proj=robin +lon_0=0 +datum=WGS84 +units=m",
                                 "+proj=merc +lat_ts=20 +lon_0=110 +datum=WGS84 +units=m",
                                 "+proj=longlat +ellps=krass +no_defs",
                                 "EPSG:4490", "EPSG:4547"])
def test_crs_from_geokeys_is_the_one_gdal_reads(tmp_path, crs):
    """EPSG codes, ESRI CRSs GDAL keeps as WKT (World Mollweide is the GHS-POP grid), and
    user-defined projections GDAL writes as GeoTIFF parameters."""
    to = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = to.transform(108.0, 36.0)
    step = 0.05 if CRS.from_user_input(crs).is_geographic else 5000.0
    v = _values("float32", (30, 40))
    path = _write(tmp_path / "x.tif", v, crs=crs, transform=Affine(step, 0, x, 0, -step, y), nodata=-99999,
                  compress="lzw", predictor=3)
    _same_as_rasterio(path)
    with rasterio.open(path) as src, GeoTiff(path) as ours:
        back = Transformer.from_crs(ours.crs, "EPSG:4326", always_xy=True)
        cols, rows = np.meshgrid(np.arange(0, 41, 10.0), np.arange(0, 31, 10.0))
        t = src.transform
        xs, ys = t.a * cols.ravel() + t.c, t.e * rows.ravel() + t.f
        lon, lat = warp(src.crs, "EPSG:4326", xs, ys)
        # 1e-7 degrees (1 cm): GDAL's PROJ is a newer release than pyproj's
        assert np.allclose(back.transform(xs, ys), (lon, lat), atol=1e-7, rtol=0)


@pytest.mark.filterwarnings("ignore:You will likely lose")  # rasterio writing an ESRI CRS
def test_ghs_pop_like_mollweide_raster(tmp_path):
    """GHS-POP: World Mollweide, 1 km, float64 with -200 nodata, tiled and LZW."""
    path = _write(tmp_path / "ghs.tif", _values("float64", (64, 48)), crs="ESRI:54009",
                  transform=Affine(1000.0, 0, 8_000_000.0, 0, -1000.0, 4_500_000.0), nodata=-200.0,
                  compress="lzw", tiled=True, blockxsize=16, blockysize=16)
    with GeoTiff(path) as ours:
        assert ours.crs.equals(CRS("ESRI:54009"))
        assert ours.nodata == -200.0 and ours.dtype == np.float64
    _same_as_rasterio(path)


def test_cloud_optimized_geotiff_with_overviews_reads_its_full_resolution(tmp_path):
    """COG (GDAL's COG driver): tiles, overviews in later images, ghost header at the start."""
    from rasterio.shutil import copy

    v = _values("float32", (300, 260))
    src = _write(tmp_path / "plain.tif", v, nodata=-99999.0)
    cog = tmp_path / "cog.tif"
    copy(src, cog, driver="COG", compress="deflate", predictor=3, blocksize=64, overviews="auto")
    with rasterio.open(cog) as r:
        assert r.overviews(1) and r.block_shapes[0] == (64, 64)
    assert np.array_equal(_same_as_rasterio(cog), v)


def test_pixel_is_point_is_shifted_by_half_a_pixel_as_gdal_does(tmp_path):
    path = tmp_path / "point.tif"
    v = _values("int16", (20, 30))
    with rasterio.open(path, "w", driver="GTiff", height=20, width=30, count=1, dtype="int16", crs="EPSG:4326",
                       transform=LONLAT) as dst:
        dst.update_tags(AREA_OR_POINT="Point")
        dst.write(v, 1)
    with GeoTiff(path) as ours:
        from reach_planner.geo.geotiff_keys import PIXEL_IS_POINT, RASTER_TYPE

        assert geokeys(ours._tags)[RASTER_TYPE] == PIXEL_IS_POINT
    _same_as_rasterio(path)
    with GeoTiff(path) as ours:
        assert ours.transform == pytest.approx(tuple(LONLAT)[:6], abs=1e-12)


def test_rotated_transform_is_kept(tmp_path):
    t = Affine(0.05, 0.01, 105.0, 0.02, -0.05, 34.0)
    path = _write(tmp_path / "rot.tif", _values("float32", (20, 30)), transform=t)
    _same_as_rasterio(path)


@pytest.mark.parametrize("nodata", [float("nan"), -3.4028234663852886e38, None, 1e-7])
def test_nodata_values_as_gdal_masks_them(tmp_path, nodata):
    v = _values("float32", (20, 30))
    if nodata is not None:
        v[3:6, 4:9] = np.float32(nodata)
    path = _write(tmp_path / "n.tif", v, nodata=nodata, compress="deflate")
    got = _same_as_rasterio(path)
    assert nodata_mask(got, nodata).sum() == (0 if nodata is None else 15)


def test_an_integer_nodata_the_type_cannot_hold_masks_nothing():
    v = np.array([[0, 255, 3]], dtype=np.uint8)
    assert not nodata_mask(v, -1.0).any() and not nodata_mask(v, 2.5).any()
    assert nodata_mask(v, 255.0).tolist() == [[False, True, False]]


@pytest.mark.parametrize("interleave", ["pixel", "band"])
@pytest.mark.parametrize("compress", ["none", "lzw"])
def test_multiband_rasters_give_band_one(tmp_path, interleave, compress):
    v = np.stack([_values("uint16", (25, 33), seed=s) for s in range(3)])
    options = {"interleave": interleave, "tiled": True, "blockxsize": 16, "blockysize": 16}
    if compress != "none":
        options.update(compress=compress, predictor=2)
    path = _write(tmp_path / "rgb.tif", v, count=3, **options)
    assert np.array_equal(_same_as_rasterio(path), v[0])


@pytest.mark.parametrize("options", [{"blockysize": 7, "compress": "deflate"},
                                     {"tiled": True, "blockxsize": 32, "blockysize": 48, "compress": "lzw"},
                                     {"blockysize": 200}])
def test_windows_of_rows_match_the_whole(tmp_path, options, monkeypatch):
    import reach_planner.geo.geotiff as gt

    v = _values("float32", (200, 90))
    path = _write(tmp_path / "w.tif", v, **options)
    monkeypatch.setattr(gt, "MAX_DECODE_BYTES", 4000)  # several libtiff calls a window
    with GeoTiff(path) as ours:
        for row0, n in ((0, 1), (5, 13), (6, 100), (190, 50), (0, 200), (47, 1)):
            assert np.array_equal(ours.read(row0, n), v[row0:row0 + n])


def test_a_raster_in_one_strip_is_decoded_once_for_all_its_windows(tmp_path, monkeypatch):
    import reach_planner.geo.geotiff as gt

    v = _values("int32", (60, 40))
    path = _write(tmp_path / "one.tif", v, compress="deflate", blockysize=60)
    calls = []
    decode = gt._decode_libtiff
    monkeypatch.setattr(gt, "_decode_libtiff", lambda *a: calls.append(1) or decode(*a))
    with GeoTiff(path) as ours:
        assert ours.layout.rows == 60
        assert np.array_equal(np.vstack([ours.read(r, 7) for r in range(0, 60, 7)]), v)
        assert ours.read(60, 5).shape == (0, 40)
    assert len(calls) == 1


def _raises(path, message):
    with pytest.raises(GeoTiffError, match=message) as e:
        GeoTiff(path).read()
    assert str(path) in str(e.value) and "\n" not in str(e.value)


def test_unsupported_or_broken_files_get_one_clear_line(tmp_path):
    (tmp_path / "text.tif").write_bytes(b"not a tiff at all")
    _raises(tmp_path / "text.tif", "not a readable GeoTIFF")
    _raises(tmp_path, "cannot be opened")
    (tmp_path / "empty.tif").write_bytes(b"")
    _raises(tmp_path / "empty.tif", "not a readable GeoTIFF")
    good = _write(tmp_path / "good.tif", _values("uint8", (40, 40)), compress="lzw")
    (tmp_path / "cut.tif").write_bytes(good.read_bytes()[:300])
    with pytest.raises(GeoTiffError, match="cut short|could not decode|damaged") as e:
        GeoTiff(tmp_path / "cut.tif").read()
    assert str(tmp_path / "cut.tif") in str(e.value)
    _raises(_write(tmp_path / "jpeg.tif", _values("uint8", (40, 40)), compress="jpeg"),
            r"unsupported compression \(TIFF code 7\)")
    _raises(_write(tmp_path / "bits.tif", (_values("uint8", (40, 40)) > 100).astype("uint8"), nbits=1),
            r"unsupported pixel type \(1-bit samples")
    _raises(_write(tmp_path / "complex.tif", _values("float32", (8, 8)).astype("complex64")),
            r"unsupported pixel type \(64-bit samples, format 6\)")
    gcps = [GroundControlPoint(0, 0, 105, 34), GroundControlPoint(0, 40, 107, 34), GroundControlPoint(40, 0, 105, 32)]
    path = tmp_path / "gcp.tif"
    with rasterio.open(path, "w", driver="GTiff", height=40, width=40, count=1, dtype="uint8",
                       gcps=gcps, crs="EPSG:4326") as dst:
        dst.write(_values("uint8", (40, 40)), 1)
    _raises(path, "ground control points")


def test_a_plain_tiff_has_no_georeference(tmp_path):
    from PIL import Image

    path = tmp_path / "plain.tif"
    Image.fromarray(_values("uint8", (10, 12))).save(path, compression="tiff_lzw")
    with GeoTiff(path) as ours:
        assert ours.crs is None and ours.transform is None
        assert np.array_equal(ours.read(), _values("uint8", (10, 12)))
